package dev.parley.contract.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every process's /metrics shows before any meter of its own: JVM, Vert.x, event loops. */
class ProcessMetricsUnitTests {
  private final ProcessMetrics metrics = ProcessMetrics.forNode("node-7");
  private final Vertx vertx = metrics.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    metrics.close();
  }

  @Test
  void everySampleCarriesTheNodeAndTheJvmIsMeasured() {
    String scrape = metrics.registry().scrape();

    assertThat(scrape)
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_gc_")
        .contains("jvm_threads_live_threads{")
        .contains("jvm_classes_loaded_classes{")
        .contains("process_cpu_usage{")
        .contains("process_uptime_seconds{");
    assertThat(samples(scrape)).allSatisfy(line -> assertThat(line).contains("node=\"node-7\""));
  }

  @Test
  void httpServerRequestsAndEventLoopDelayAreMeasured() throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(req -> req.response().setStatusCode(204).end())
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    int status =
        vertx
            .createHttpClient()
            .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/anything/42")
            .compose(req -> req.send())
            .map(resp -> resp.statusCode())
            .await(10, TimeUnit.SECONDS);
    assertThat(status).isEqualTo(204);

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String scrape = metrics.registry().scrape();
    while (!scrape.contains("parley_event_loop_delay_seconds_count")
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the probe runs every second
      scrape = metrics.registry().scrape();
    }

    assertThat(scrape)
        .contains("vertx_http_server_requests_total{")
        .contains("vertx_http_server_response_time_seconds")
        .contains("code=\"204\"")
        .doesNotContain("/anything/42") // no label per path: the series stay bounded
        .contains("parley_event_loop_delay_seconds_count{node=\"node-7\"}")
        .contains("parley_event_loop_pending_tasks{node=\"node-7\"}");
    assertThat(samples(scrape)).allSatisfy(line -> assertThat(line).contains("node=\"node-7\""));
  }

  private static List<String> samples(String scrape) {
    return scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
  }
}
