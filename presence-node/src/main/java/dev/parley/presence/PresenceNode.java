package dev.parley.presence;

import dev.parley.contract.Subjects;
import dev.parley.contract.metrics.ProcessMetrics;
import dev.parley.contract.nats.NatsConnections;
import dev.parley.contract.ops.OpsRoutes;
import dev.parley.contract.ops.Readiness;
import dev.parley.presence.outbound.PresenceAnnouncer;
import dev.parley.presence.outbound.PresenceMetrics;
import dev.parley.presence.outbound.Replier;
import dev.parley.presence.query.PresenceQuery;
import dev.parley.presence.query.QueryRequests;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.RedisLink;
import dev.parley.presence.status.StatusRequests;
import dev.parley.presence.status.StatusStore;
import dev.parley.presence.sweep.Sweeper;
import dev.parley.presence.tracking.OfflineAnnouncer;
import dev.parley.presence.tracking.PresenceIngest;
import dev.parley.presence.tracking.TrackingStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running presence node, wired by hand: ops HTTP server, NATS, Redis, then the verticle. Used by
 * {@link PresenceMain} and by tests. {@link #close()} undoes it in reverse order.
 */
public final class PresenceNode {
  private static final Logger log = LoggerFactory.getLogger(PresenceNode.class);

  private final Vertx vertx;
  private final PresenceConfig config;
  private final ProcessMetrics processMetrics;
  private final PrometheusMeterRegistry registry;
  private final PresenceMetrics metrics;
  private final PresenceKeys keys;
  private final RedisLink redis;
  private volatile Connection nats;
  private HttpServer http;
  private String deploymentId;

  private PresenceNode(Vertx vertx, PresenceConfig config, ProcessMetrics processMetrics) {
    this.vertx = vertx;
    this.config = config;
    this.processMetrics = processMetrics;
    this.registry = processMetrics.registry();
    this.metrics = new PresenceMetrics(registry);
    this.keys = new PresenceKeys(config.redis().keyPrefix());
    this.redis =
        RedisLink.create(vertx, config.redis(), config.redisTimeout(), metrics::redisFailure);
  }

  /**
   * Starts a presence node. Completes once it consumes gateway messages; if Redis is down it starts
   * anyway (not ready, reconnecting); if NATS is down it waits for it, with {@code /health} up.
   */
  public static Future<PresenceNode> start(Vertx vertx, PresenceConfig config) {
    return start(vertx, config, ProcessMetrics.forNode(config.nodeId()));
  }

  /**
   * As {@link #start(Vertx, PresenceConfig)}, reporting to {@code metrics} (Vert.x's meters too
   * when {@code vertx} was built by {@link ProcessMetrics#vertx}); the node closes them with itself.
   */
  public static Future<PresenceNode> start(
      Vertx vertx, PresenceConfig config, ProcessMetrics metrics) {
    PresenceNode node = new PresenceNode(vertx, config, metrics);
    return node.open()
        .map(node)
        .recover(e -> node.close().transform(closed -> Future.failedFuture(e)));
  }

  private Future<Void> open() {
    Readiness readiness =
        new Readiness().check("nats", this::natsCheck).check("redis", redis::ping);
    return new OpsRoutes(registry, readiness)
        .listen(vertx, config.httpHost(), config.httpPort())
        .compose(
            server -> {
              http = server;
              return connectNats();
            })
        .compose(
            connection -> {
              nats = connection;
              return redis.connect();
            })
        .compose(redisUp -> vertx.deployVerticle(verticle()))
        .map(
            id -> {
              deploymentId = id;
              log.info(
                  "presence node {} started: ops on port {}, subjects {}.internal.presence.*, redis prefix {}, offline grace {}",
                  config.nodeId(),
                  http.actualPort(),
                  config.nats().subjectPrefix(),
                  config.redis().keyPrefix(),
                  config.offlineGrace());
              return null;
            });
  }

  private PresenceVerticle verticle() {
    Clock clock = Clock.systemUTC();
    Subjects subjects = config.nats().subjects();
    PresenceAnnouncer announcer = new PresenceAnnouncer(nats, subjects, metrics);
    Replier replier = new Replier(nats);
    TrackingStore store =
        new TrackingStore(
            redis,
            keys,
            new TrackingStore.Times(
                config.nodeTtl(), config.connectionTtl(), config.offlineGrace(), config.stateTtl()),
            clock);
    PresenceIngest ingest = new PresenceIngest(store, metrics, announcer);
    StatusRequests status =
        new StatusRequests(
            new StatusStore(redis, keys, config.statusMinInterval(), config.stateTtl(), clock),
            announcer,
            replier,
            metrics);
    QueryRequests queries =
        new QueryRequests(new PresenceQuery(redis, keys, clock), replier, metrics);
    Sweeper sweeper =
        new Sweeper(
            redis,
            keys,
            metrics,
            config.nodeId(),
            config.sweepInterval(),
            config.offlineGrace(),
            config.stateTtl(),
            clock);
    OfflineAnnouncer offline = new OfflineAnnouncer(redis, keys, announcer, metrics, clock);
    return new PresenceVerticle(
        nats,
        List.of(
            new PresenceVerticle.Subscription(
                subjects.presenceReports(), msg -> ingest.onReport(msg.getData())),
            new PresenceVerticle.Subscription(
                subjects.presenceHeartbeats(), msg -> ingest.onHeartbeat(msg.getData())),
            new PresenceVerticle.Subscription(subjects.presenceStatusUpdates(), status::onRequest),
            new PresenceVerticle.Subscription(subjects.presenceQueries(), queries::onRequest)),
        List.of(
            new PresenceVerticle.Periodic("sweep", config.sweepInterval(), sweeper::sweepOnce),
            new PresenceVerticle.Periodic(
                "offline check", config.graceCheckInterval(), offline::announceDue)));
  }

  private Future<Connection> connectNats() {
    Options options =
        NatsConnections.options(
            config.nats().url(),
            "parley-presence-" + config.nodeId(),
            "reports are lost until it reconnects (the next heartbeats heal them)");
    // Blocks until connected, retrying meanwhile: a presence node without NATS has nothing to do.
    return vertx.executeBlocking(() -> Nats.connectReconnectOnConnect(options));
  }

  private Future<?> natsCheck() {
    Connection c = nats;
    if (c == null) {
      return Future.failedFuture("connecting");
    }
    return c.getStatus() == Connection.Status.CONNECTED
        ? Future.succeededFuture()
        : Future.failedFuture(c.getStatus().toString().toLowerCase(Locale.ROOT));
  }

  /** The port the ops HTTP server listens on (the chosen one when configured as 0). */
  public int port() {
    return http.actualPort();
  }

  /** Reads presence from this node's Redis. */
  public PresenceQuery query() {
    return new PresenceQuery(redis, keys, Clock.systemUTC());
  }

  public PresenceConfig config() {
    return config;
  }

  /** Stops in reverse order of start: verticle, Redis, NATS, HTTP server. Never fails. */
  public Future<Void> close() {
    Future<Void> undeployed =
        deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    return undeployed
        .eventually(redis::close)
        .eventually(this::closeNats)
        .eventually(() -> http == null ? Future.succeededFuture() : http.close())
        .eventually(
            () -> {
              processMetrics.close();
              return Future.succeededFuture();
            })
        .otherwise(
            e -> {
              log.warn("presence node {} did not close cleanly: {}", config.nodeId(), e.toString());
              return null;
            })
        .mapEmpty();
  }

  private Future<Void> closeNats() {
    Connection c = nats;
    if (c == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          c.close();
          return null;
        });
  }
}
