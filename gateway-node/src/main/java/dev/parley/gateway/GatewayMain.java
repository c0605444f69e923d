package dev.parley.gateway;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.ConfigFile;
import dev.parley.contract.config.Env;
import dev.parley.contract.logging.LogSettings;
import dev.parley.contract.logging.Logging;
import dev.parley.contract.metrics.ProcessMetrics;
import dev.parley.contract.tracing.Tracing;
import dev.parley.contract.tracing.TracingSettings;
import dev.parley.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one gateway node: reads the environment, starts, and stops cleanly on SIGTERM. */
public final class GatewayMain {
  private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

  /**
   * The longest a start may take before the process gives up (exit 1). It covers
   * PARLEY_PG_STARTUP_WAIT at its default (60s): a deployment that raises that wait past a minute
   * gets this bound first.
   */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** Vert.x's own close after a drain: a few seconds, then the process exits regardless. */
  private static final Duration VERTX_CLOSE_WAIT = Duration.ofSeconds(3);

  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    GatewayConfig config;
    TracingSettings tracingSettings;
    try {
      Env env = ConfigFile.withFile(Env.system());
      config = GatewayConfig.fromEnv(env);
      Logging.apply(LogSettings.fromEnv(env));
      tracingSettings = TracingSettings.fromEnv(env);
    } catch (ConfigException e) {
      System.err.println("gateway: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    ProcessMetrics metrics = ProcessMetrics.forNode(config.nodeId());
    Tracing tracing = Tracing.start(tracingSettings, "gateway", config.nodeId());
    Vertx vertx = metrics.vertx(new VertxOptions(), tracing);
    GatewayNode node;
    try {
      node =
          GatewayNode.start(vertx, config, metrics, tracing)
              .toCompletionStage()
              .toCompletableFuture()
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      log.error("gateway {} failed to start: {}", config.nodeId(), cause.getMessage(), cause);
      vertx.close();
      tracing.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(vertx, node, config, tracing), "shutdown"));
  }

  /**
   * SIGTERM: drain (see {@link GatewayNode#drain}), bounded by PARLEY_DRAIN_TIMEOUT, then exit 0 when
   * the drain finished in time (1 otherwise), not the JVM's 143 for a signal: the node stopped the
   * way it was asked to.
   */
  private static void stop(Vertx vertx, GatewayNode node, GatewayConfig config, Tracing tracing) {
    long started = System.nanoTime();
    log.info(
        "gateway {} stopping: draining for at most {}", config.nodeId(), config.drain().timeout());
    boolean clean = true;
    try {
      node.drain()
          .toCompletionStage()
          .toCompletableFuture()
          .get(config.drain().timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      clean = false;
      log.warn(
          "gateway {} did not drain within {}: {}",
          config.nodeId(),
          config.drain().timeout(),
          e.toString());
    }
    // Vert.x completes its own close on a thread it is shutting down, so the completion can be
    // lost: wait briefly on a latch instead of on the future.
    CountDownLatch closed = new CountDownLatch(1);
    vertx.close().onComplete(ar -> closed.countDown());
    try {
      closed.await(VERTX_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // the spans of the drain's last requests go out before the process exits
    tracing.close();
    log.info(
        "gateway {} stopped after {} ms",
        config.nodeId(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }
}
