package dev.parley.worker;

import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.config.Secrets;
import dev.parley.contract.metrics.ProcessMetrics;
import dev.parley.contract.nats.NatsConnections;
import dev.parley.contract.tracing.Tracing;
import dev.parley.worker.config.WorkerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running persistence worker: its NATS connection, Postgres pool and verticle, wired by hand.
 * {@link WorkerMain} runs one per process; tests run one (or several) inside theirs.
 */
public final class PersistenceWorker {
  private static final Logger log = LoggerFactory.getLogger(PersistenceWorker.class);

  private final Vertx vertx;
  private final Connection nats;
  private final Pool pool;
  private final PersistenceVerticle verticle;
  private final String deploymentId;
  private final ProcessMetrics metrics;

  private PersistenceWorker(
      Vertx vertx,
      Connection nats,
      Pool pool,
      PersistenceVerticle verticle,
      String deploymentId,
      ProcessMetrics metrics) {
    this.vertx = vertx;
    this.nats = nats;
    this.pool = pool;
    this.verticle = verticle;
    this.deploymentId = deploymentId;
    this.metrics = metrics;
  }

  /**
   * Connects to NATS and Postgres, checks the schema, declares the stream and consumer, and starts
   * consuming. Fails (having closed what it opened) when any of that fails.
   */
  public static Future<PersistenceWorker> start(Vertx vertx, WorkerConfig config) {
    return start(vertx, config, ProcessMetrics.forNode(config.nodeId()));
  }

  /**
   * As {@link #start(Vertx, WorkerConfig)}, reporting to {@code metrics} (Vert.x's meters too when
   * {@code vertx} was built by {@link ProcessMetrics#vertx}); the worker closes them with itself.
   */
  public static Future<PersistenceWorker> start(
      Vertx vertx, WorkerConfig config, ProcessMetrics metrics) {
    return start(vertx, config, metrics, Tracing.off());
  }

  /**
   * As {@link #start(Vertx, WorkerConfig, ProcessMetrics)}, each stored batch a span of {@code
   * tracing}. The caller closes it after the worker.
   */
  public static Future<PersistenceWorker> start(
      Vertx vertx, WorkerConfig config, ProcessMetrics metrics, Tracing tracing) {
    PrometheusMeterRegistry registry = metrics.registry();
    Pool pool = pool(vertx, config.postgres(), config.pgConnectTimeout());
    return vertx
        .executeBlocking(
            () ->
                NatsConnections.connect(
                    config.nats().url(), config.nodeId(), "the stream keeps every entry meanwhile"),
            false)
        .recover(
            e ->
                pool.close()
                    .transform(
                        x ->
                            Future.failedFuture(
                                new IllegalStateException(
                                    "cannot connect to NATS at "
                                        + Secrets.redact(config.nats().url())
                                        + ": "
                                        + Secrets.redact(e.getMessage()),
                                    e))))
        .compose(
            nats -> {
              PersistenceVerticle verticle =
                  new PersistenceVerticle(config, nats, pool, registry, tracing);
              return vertx
                  .deployVerticle(verticle)
                  .map(id -> new PersistenceWorker(vertx, nats, pool, verticle, id, metrics))
                  .recover(
                      e ->
                          closeQuietly(vertx, nats)
                              .compose(x -> pool.close())
                              .transform(x -> Future.failedFuture(e)));
            })
        .onFailure(e -> metrics.close());
  }

  /** {@code connectTimeout} bounds both a new connection and the wait for a pooled one. */
  static Pool pool(Vertx vertx, PostgresSettings pg, Duration connectTimeout) {
    PgConnectOptions connect = pg.connectOptions();
    PoolOptions poolOptions =
        new PoolOptions()
            .setMaxSize(pg.poolSize())
            .setName("parley-worker")
            .setConnectionTimeout((int) connectTimeout.toMillis())
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    return PgBuilder.pool()
        .with(poolOptions)
        .with(new NetClientOptions().setConnectTimeout((int) connectTimeout.toMillis()))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  /** The port serving /health, /ready and /metrics. */
  public int port() {
    return verticle.port();
  }

  public PrometheusMeterRegistry registry() {
    return metrics.registry();
  }

  /** Stops consuming (the batch in hand, if not stored, stays unacked), then closes Postgres and NATS. */
  public Future<Void> close() {
    return vertx
        .undeploy(deploymentId)
        .onFailure(e -> log.warn("Stopping the persistence verticle failed: {}", e.toString()))
        .transform(x -> pool.close())
        .transform(x -> closeQuietly(vertx, nats))
        .onComplete(x -> metrics.close());
  }

  private static Future<Void> closeQuietly(Vertx vertx, Connection nats) {
    return vertx.executeBlocking(
        () -> {
          try {
            nats.close();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        },
        false);
  }
}
