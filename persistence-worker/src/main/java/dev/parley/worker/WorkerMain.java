package dev.parley.worker;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.ConfigFile;
import dev.parley.contract.config.Env;
import dev.parley.contract.logging.LogSettings;
import dev.parley.contract.logging.Logging;
import dev.parley.contract.metrics.ProcessMetrics;
import dev.parley.contract.schema.SchemaOutdatedException;
import dev.parley.contract.tracing.Tracing;
import dev.parley.contract.tracing.TracingSettings;
import dev.parley.worker.config.WorkerConfig;
import dev.parley.worker.deadletters.ReplayMain;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar persistence-worker-all.jar}: one worker per process, configured by PARLEY_*
 * variables. {@code … replay <arguments>} runs the dead-letter replay command instead ({@link
 * ReplayMain}), so the worker's image and jar carry it without another entry point.
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  /** The first argument that selects the dead-letter replay command. */
  static final String REPLAY_COMMAND = "replay";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(REPLAY_COMMAND)) {
      ReplayMain.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0) {
      // a worker started with arguments it would ignore is most likely a mistyped command
      System.err.println(
          "unknown argument '"
              + args[0]
              + "': the worker takes none; 'replay …' runs the dead-letter replay"
              + " (persistence-worker/README.md#dead-letters)");
      System.exit(2);
      return;
    }
    WorkerConfig config;
    TracingSettings tracingSettings;
    try {
      Env env = ConfigFile.withFile(Env.system());
      config = WorkerConfig.fromEnv(env);
      Logging.apply(LogSettings.fromEnv(env));
      tracingSettings = TracingSettings.fromEnv(env);
    } catch (ConfigException e) {
      log.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    ProcessMetrics metrics = ProcessMetrics.forNode(config.nodeId());
    Tracing tracing = Tracing.start(tracingSettings, "worker", config.nodeId());
    Vertx vertx = metrics.vertx(new VertxOptions(), tracing);
    PersistenceWorker.start(vertx, config, metrics, tracing)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                Throwable cause = ar.cause();
                if (cause instanceof SchemaOutdatedException) {
                  log.error(
                      "Persistence worker {} refused to start: {}",
                      config.nodeId(),
                      cause.getMessage());
                } else {
                  log.error(
                      "Persistence worker {} refused to start: {}",
                      config.nodeId(),
                      cause.toString(),
                      cause);
                }
                vertx
                    .close()
                    .onComplete(
                        x -> {
                          tracing.close();
                          System.exit(1);
                        });
                return;
              }
              PersistenceWorker worker = ar.result();
              Runtime.getRuntime()
                  .addShutdownHook(
                      new Thread(() -> shutdown(vertx, worker, tracing), "parley-worker-shutdown"));
            });
  }

  /**
   * SIGTERM: stop consuming, let the batch in hand commit or go back unacked, close everything, and
   * exit 0 when that finished in time (1 otherwise), not the JVM's 143 for a signal: the worker
   * stopped the way it was asked to.
   */
  private static void shutdown(Vertx vertx, PersistenceWorker worker, Tracing tracing) {
    log.info("Shutting down");
    boolean clean = true;
    // Two separate waits from this (non-Vert.x) thread: a continuation of the first one could not
    // run on an event loop that vertx.close() has already terminated.
    try {
      worker
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(PersistenceVerticle.WRITE_TIMEOUT.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      clean = false;
      log.warn("Stopping the worker did not complete cleanly: {}", e.toString());
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      clean = false;
      log.warn("Closing Vert.x did not complete cleanly: {}", e.toString());
    }
    // the last batches' spans go out before the process exits
    tracing.close();
    log.info("Stopped");
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }
}
