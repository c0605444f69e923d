package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** Every REST answer carries a request id, and the access log names it with the route and status. */
@ExtendWith(ParleyExtension.class)
class AccessLogIntegrationTests {
  private final TestEnvironment env;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger access = (Logger) LoggerFactory.getLogger("parley.access");
  private Cluster cluster;

  AccessLogIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeEach
  void start() {
    lines.start();
    access.addAppender(lines);
    cluster = Cluster.start(env, Map.of(), 1, false);
  }

  @AfterEach
  void stop() {
    access.detachAppender(lines);
    cluster.close();
  }

  @Test
  void aClientsRequestIdIsReturnedAndLoggedWithTheRouteAndStatus() throws Exception {
    HttpResponse<String> r = get("/api/v1/conversations/abc", "trace-me.42");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("X-Request-Id")).contains("trace-me.42");
    Map<String, Object> line = awaitLine("trace-me.42");
    assertThat(line)
        .containsEntry("method", "GET")
        .containsEntry("path", "/api/v1/conversations/abc")
        .containsEntry("status", 401)
        .containsKey("route")
        .containsKey("duration_ms");
  }

  @Test
  void anUnusableOrMissingIdIsReplacedByANewOne() throws Exception {
    HttpResponse<String> bad = get("/api/v1/conversations", "has spaces\"and quotes");
    HttpResponse<String> none = get("/api/v1/conversations", null);

    String first = bad.headers().firstValue("X-Request-Id").orElseThrow();
    String second = none.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(first).matches("[A-Za-z0-9_-]{22}");
    assertThat(second).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(first);
    awaitLine(first);
    awaitLine(second);
  }

  @Test
  void probesAreNotLoggedAtInfo() throws Exception {
    HttpResponse<String> ready = get("/ready", "probe-1");
    get("/api/v1/conversations", "after-probe");

    assertThat(ready.headers().firstValue("X-Request-Id")).contains("probe-1");
    awaitLine("after-probe");
    assertThat(requestIds()).doesNotContain("probe-1");
  }

  private HttpResponse<String> get(String path, String requestId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(cluster.baseUrl(0) + path))
            .timeout(Duration.ofSeconds(10));
    if (requestId != null) {
      b.header("X-Request-Id", requestId);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The access line's key-values for {@code requestId}, once it is written (after the response). */
  private Map<String, Object> awaitLine(String requestId) {
    return Await.until(
        () -> {
          synchronized (lines) {
            return lines.list.stream()
                .map(AccessLogIntegrationTests::keyValues)
                .filter(kv -> requestId.equals(kv.get("request_id")))
                .findFirst()
                .orElse(null);
          }
        },
        System.nanoTime() + Duration.ofSeconds(10).toNanos(),
        () -> "no access line for " + requestId + " in " + requestIds());
  }

  private List<Object> requestIds() {
    synchronized (lines) {
      return lines.list.stream().map(e -> keyValues(e).get("request_id")).toList();
    }
  }

  private static Map<String, Object> keyValues(ILoggingEvent e) {
    List<KeyValuePair> kv = e.getKeyValuePairs() == null ? List.of() : e.getKeyValuePairs();
    return kv.stream().collect(Collectors.toMap(p -> p.key, p -> p.value, (a, b) -> b));
  }
}
