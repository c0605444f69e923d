package dev.parley.worker.it;

import dev.parley.testing.TestEnvironment;
import dev.parley.worker.PersistenceWorker;
import dev.parley.worker.config.WorkerConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** In-process workers on the test environment, closed together at the end of a test. */
final class Workers implements AutoCloseable {
  /** Short enough that a test sees a redelivery, long enough for a loaded CI machine. */
  static final String ACK_WAIT = "3s";

  private final TestEnvironment env;
  private final Vertx vertx;
  private final List<PersistenceWorker> started = new ArrayList<>();

  Workers(TestEnvironment env, Vertx vertx) {
    this.env = env;
    this.vertx = vertx;
  }

  Map<String, String> variables(Map<String, String> overrides) {
    Map<String, String> vars = new HashMap<>();
    vars.put("PARLEY_HTTP_HOST", "127.0.0.1");
    vars.put("PARLEY_HTTP_PORT", "0");
    vars.put("PARLEY_WORKER_ACK_WAIT", ACK_WAIT);
    vars.put("PARLEY_NODE_ID", env.newId("worker"));
    vars.putAll(overrides);
    return vars;
  }

  PersistenceWorker start() throws Exception {
    return start(Map.of());
  }

  PersistenceWorker start(Map<String, String> overrides) throws Exception {
    WorkerConfig config = WorkerConfig.fromEnv(env.env(variables(overrides)));
    PersistenceWorker worker = PersistenceWorker.start(vertx, config).await(30, TimeUnit.SECONDS);
    started.add(worker);
    return worker;
  }

  void stop(PersistenceWorker worker) throws Exception {
    started.remove(worker);
    worker.close().await(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (PersistenceWorker w : List.copyOf(started)) {
      stop(w);
    }
  }
}
