package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

/**
 * Each process, started by its own main as in production, serves on /metrics the JVM's meters,
 * Vert.x's HTTP-server meters and the event-loop delay beside its own, every sample tagged with its
 * node; every {@code parley_*} metric is in docs/metrics.md; and every metric the Grafana dashboard
 * and the Prometheus alerts use is one of them.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessMetricsIntegrationTests {
  private static final Duration START = Duration.ofSeconds(60);

  /** A metric name in a PromQL expression (ours, Vert.x's, the JVM's and the process's). */
  private static final Pattern METRIC_IN_QUERY =
      Pattern.compile("\\b(?:parley|vertx|jvm|process)_[a-z0-9_]+");

  private final TestEnvironment env;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ProcessNode> processes = new ArrayList<>();
  private Cluster cluster;
  private Process gateway;
  private Process worker;
  private Process presence;

  private record Process(String nodeId, int port) {}

  ProcessMetricsIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void startEachProcess() throws Exception {
    // no node of its own in this JVM: the cluster only lends its environment (database, stream)
    cluster = Cluster.start(env, Map.of(), 0, false);
    gateway = start("dev.parley.gateway.GatewayMain", "gateway-m1");
    worker = start("dev.parley.worker.WorkerMain", "worker-m1");
    presence = start("dev.parley.presence.PresenceMain", "presence-m1");
  }

  @AfterAll
  void stopThem() throws Exception {
    for (ProcessNode p : processes) {
      p.close();
    }
    cluster.close();
  }

  @Test
  void gatewayMetricsHaveTheJvmVertxAndTheNode() throws Exception {
    assertProcessMetrics(gateway);
    assertThat(scrape(gateway))
        .contains("parley_ws_frames_total{")
        .contains("parley_ws_closes_total{node=\"gateway-m1\",reason=\"slow_consumer\"} 0.0")
        .contains("parley_stream_publish_latency_seconds_count{node=\"gateway-m1\"}");
  }

  /**
   * Java's HttpClient offers an upgrade to cleartext HTTP/2 on every new connection; the gateway
   * declines it and answers in HTTP/1.1. (Accepting it left some /metrics scrapes unanswered.)
   */
  @Test
  void aClientOfferingTheH2cUpgradeIsAnsweredInHttp11EveryTime() throws Exception {
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + gateway.port() + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("scrape %d", i).isEqualTo(200);
      assertThat(r.version()).as("scrape %d", i).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(r.body()).contains("parley_ws_frames_total{");
    }
  }

  @Test
  void workerMetricsHaveTheJvmVertxAndTheNode() throws Exception {
    assertProcessMetrics(worker);
    assertThat(scrape(worker))
        .contains("parley_worker_lag_messages{node=\"worker-m1\"}")
        .contains("parley_worker_dead_letters_total{cause=\"rejected\",node=\"worker-m1\"} 0.0");
  }

  @Test
  void presenceMetricsHaveTheJvmVertxAndTheNode() throws Exception {
    assertProcessMetrics(presence);
    assertThat(scrape(presence)).contains("parley_presence_heartbeats_applied_total{node=");
  }

  @Test
  void everyMetricOfTheDashboardAndTheAlertsExists() throws Exception {
    Set<String> exposed = new TreeSet<>();
    for (Process p : List.of(gateway, worker, presence)) {
      exposed.addAll(sampleNames(scrape(p)));
    }
    Path deploy = repositoryRoot().resolve("deploy");

    Set<String> used = new TreeSet<>();
    JsonObject dashboard =
        new JsonObject(Files.readString(deploy.resolve("grafana/dashboards/parley.json")));
    collectQueries(dashboard, used);
    Map<String, Object> alerts =
        new Yaml().load(Files.readString(deploy.resolve("prometheus/alerts.yml")));
    collectQueries(new JsonObject(alerts), used);

    assertThat(used).as("metrics the dashboard and alerts use").hasSizeGreaterThan(20);
    assertThat(exposed).as("metrics some process exposes").containsAll(used);
  }

  @Test
  void everyParleyMetricIsInTheTable() throws Exception {
    Set<String> documented = new TreeSet<>();
    Matcher m =
        Pattern.compile("`(parley_[a-z0-9_]+)")
            .matcher(Files.readString(repositoryRoot().resolve("docs/metrics.md")));
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> undocumented = new TreeSet<>();
    for (Process p : List.of(gateway, worker, presence)) {
      for (String name : sampleNames(scrape(p))) {
        String family = name.replaceFirst("_(bucket|count|sum|max)$", "");
        if (name.startsWith("parley_")
            && !documented.contains(name)
            && !documented.contains(family)) {
          undocumented.add(name);
        }
      }
    }

    assertThat(undocumented).as("metrics missing from docs/metrics.md").isEmpty();
  }

  private void assertProcessMetrics(Process p) throws Exception {
    String scrape = scrape(p);
    assertThat(scrape)
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_gc_")
        .contains("jvm_threads_live_threads{")
        .contains("process_cpu_usage{")
        .contains("vertx_http_server_requests_total{")
        .contains("vertx_http_server_response_time_seconds")
        .contains("parley_event_loop_delay_seconds_count{node=\"" + p.nodeId() + "\"}");
    assertThat(scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()))
        .as("every sample of %s carries its node", p.nodeId())
        .allSatisfy(line -> assertThat(line).contains("node=\"" + p.nodeId() + "\""));
  }

  private Process start(String mainClass, String nodeId) throws Exception {
    int port = freePort();
    ProcessNode node =
        ProcessNode.start(
            mainClass,
            cluster.envMapFor(nodeId, Map.of("PARLEY_HTTP_PORT", Integer.toString(port))),
            nodeId);
    processes.add(node);
    Process p = new Process(nodeId, port);
    Await.until(
        () -> ready(p) ? true : null,
        System.nanoTime() + START.toNanos(),
        () -> nodeId + " never became ready: " + node.logTail());
    return p;
  }

  private boolean ready(Process p) {
    try {
      return get(p, "/ready").statusCode() == 200;
    } catch (Exception e) {
      return false; // not listening yet
    }
  }

  /** /metrics after a first scrape, so the HTTP server has answered (and counted) a request. */
  private String scrape(Process p) throws Exception {
    get(p, "/metrics");
    return get(p, "/metrics").body();
  }

  private HttpResponse<String> get(Process p, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Every sample's name: {@code x_bucket}, {@code x_count}, {@code x_sum} and {@code x} alike. */
  private static Set<String> sampleNames(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape
        .lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }

  /** Every metric named in an {@code expr} or a variable's {@code query}/{@code definition}. */
  private static void collectQueries(Object node, Set<String> into) {
    if (node instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        Object value = o.getValue(key);
        if (value instanceof String s
            && (key.equals("expr") || key.equals("query") || key.equals("definition"))) {
          Matcher m = METRIC_IN_QUERY.matcher(s);
          while (m.find()) {
            into.add(m.group());
          }
        } else {
          collectQueries(value, into);
        }
      }
    } else if (node instanceof io.vertx.core.json.JsonArray a) {
      a.forEach(v -> collectQueries(v, into));
    }
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/grafana"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "deploy/grafana not found above " + Path.of("").toAbsolutePath());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
