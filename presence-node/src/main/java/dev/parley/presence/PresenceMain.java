package dev.parley.presence;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.ConfigFile;
import dev.parley.contract.config.Env;
import dev.parley.contract.logging.LogSettings;
import dev.parley.contract.logging.Logging;
import dev.parley.contract.metrics.ProcessMetrics;
import dev.parley.contract.tracing.Tracing;
import dev.parley.contract.tracing.TracingSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The presence node process: config from the environment, one {@link PresenceNode}, clean SIGTERM. */
public final class PresenceMain {
  private static final Logger log = LoggerFactory.getLogger(PresenceMain.class);
  private static final long SHUTDOWN_SECONDS = 30;

  private PresenceMain() {}

  public static void main(String[] args) throws Exception {
    PresenceConfig config;
    TracingSettings tracingSettings;
    try {
      Env env = ConfigFile.withFile(Env.system());
      config = PresenceConfig.fromEnv(env);
      Logging.apply(LogSettings.fromEnv(env));
      tracingSettings = TracingSettings.fromEnv(env);
    } catch (ConfigException e) {
      log.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    ProcessMetrics metrics = ProcessMetrics.forNode(config.nodeId());
    // the presence node's own work is not traced: its HTTP server (probes, metrics) is, by Vert.x
    Tracing tracing = Tracing.start(tracingSettings, "presence", config.nodeId());
    Vertx vertx = metrics.vertx(new VertxOptions(), tracing);
    AtomicReference<PresenceNode> running = new AtomicReference<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> shutdown(vertx, running.get(), tracing), "presence-shutdown"));
    try {
      // main is not an event loop: waiting here is fine, and exiting from here cannot deadlock the
      // hook.
      running.set(
          PresenceNode.start(vertx, config, metrics)
              .toCompletionStage()
              .toCompletableFuture()
              .get());
    } catch (Exception e) {
      log.error("presence node failed to start", e);
      tracing.close();
      System.exit(1);
    }
  }

  /**
   * SIGTERM: close the node, then Vert.x, and exit 0 when both finished in time (1 otherwise), not
   * the JVM's 143 for a signal: the node stopped the way it was asked to.
   */
  private static void shutdown(Vertx vertx, PresenceNode node, Tracing tracing) {
    log.info("shutting down");
    boolean clean = true;
    // Two waits, not one chain: a future bound to an event loop cannot complete once Vert.x is
    // closed.
    try {
      if (node != null) {
        node.close()
            .toCompletionStage()
            .toCompletableFuture()
            .get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      clean = false;
      log.warn("presence node did not close in time: {}", e.toString());
    }
    try {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      clean = false;
      log.warn("vert.x did not close in time: {}", e.toString());
    }
    tracing.close();
    log.info("stopped");
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }
}
