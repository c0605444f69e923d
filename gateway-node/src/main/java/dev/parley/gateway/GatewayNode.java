package dev.parley.gateway;

import dev.parley.contract.Subjects;
import dev.parley.contract.config.Secrets;
import dev.parley.contract.nats.NatsConnections;
import dev.parley.contract.ops.OpsRoutes;
import dev.parley.contract.ops.Readiness;
import dev.parley.contract.schema.SchemaCheck;
import dev.parley.contract.stream.StreamLayout;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.EventType;
import dev.parley.gateway.auth.DevTokenRoutes;
import dev.parley.gateway.auth.HandshakeAuth;
import dev.parley.gateway.auth.TokenVerifier;
import dev.parley.gateway.auth.UserDirectory;
import dev.parley.gateway.auth.WsTicketRoutes;
import dev.parley.gateway.auth.WsTickets;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.conversations.ConversationChanges;
import dev.parley.gateway.conversations.ConversationLog;
import dev.parley.gateway.conversations.ConversationRoutes;
import dev.parley.gateway.conversations.ConversationStore;
import dev.parley.gateway.conversations.MemberChanges;
import dev.parley.gateway.conversations.MemberRoutes;
import dev.parley.gateway.conversations.MembershipAnnouncer;
import dev.parley.gateway.conversations.MembershipCache;
import dev.parley.gateway.fanout.FanoutHub;
import dev.parley.gateway.files.FileCatalog;
import dev.parley.gateway.files.FileRoutes;
import dev.parley.gateway.files.FileSweeper;
import dev.parley.gateway.files.LocalFileStorage;
import dev.parley.gateway.integrators.NatsSendEndpoint;
import dev.parley.gateway.limits.RateLimiter;
import dev.parley.gateway.messages.HistoryReader;
import dev.parley.gateway.messages.MessageChangeRoutes;
import dev.parley.gateway.messages.MessageChanges;
import dev.parley.gateway.messages.MessageLocator;
import dev.parley.gateway.messages.MessageRoutes;
import dev.parley.gateway.messages.SendFrames;
import dev.parley.gateway.messages.SendService;
import dev.parley.gateway.presence.OnlineRoutes;
import dev.parley.gateway.presence.PresenceClient;
import dev.parley.gateway.presence.PresenceFrames;
import dev.parley.gateway.presence.PresenceRelay;
import dev.parley.gateway.presence.PresenceReporter;
import dev.parley.gateway.presence.SharedConversations;
import dev.parley.gateway.reactions.ReactionRoutes;
import dev.parley.gateway.reactions.Reactions;
import dev.parley.gateway.realtime.FrameDispatcher;
import dev.parley.gateway.realtime.WebSocketEndpoint;
import dev.parley.gateway.receipts.ReadFrames;
import dev.parley.gateway.receipts.ReadReceipts;
import dev.parley.gateway.receipts.ReadRoutes;
import dev.parley.gateway.redis.RedisProbe;
import dev.parley.gateway.search.MessageSearch;
import dev.parley.gateway.search.SearchRoutes;
import dev.parley.gateway.stream.PersistedWrites;
import dev.parley.gateway.stream.StreamClient;
import dev.parley.gateway.stream.UnstoredMessages;
import dev.parley.gateway.typing.TypingFrames;
import dev.parley.gateway.typing.TypingRelay;
import dev.parley.gateway.typing.TypingTracker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Route;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: builds every collaborator by hand, in dependency order, and closes them in
 * reverse. {@link GatewayMain} runs one per process; tests run several in one JVM.
 */
public final class GatewayNode {
  private static final Logger log = LoggerFactory.getLogger(GatewayNode.class);

  /** How long a lookup of a message id waits for the worker to store recent messages (see MessageLocator). */
  private static final Duration MESSAGE_LOOKUP_WAIT = Duration.ofSeconds(2);

  /** How often Postgres, Redis and presence are checked for /ready's body and parley_dependency_up. */
  private static final Duration READINESS_REFRESH = Duration.ofSeconds(2);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final List<ApiVerticle> instances = new CopyOnWriteArrayList<>();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Connection nats;
  private Pool pool;
  private Pool searchPool;
  private RedisProbe redis;
  private RateLimiter limiter;
  private FileSweeper fileSweeper;
  private Readiness readiness;
  private FanoutHub hub;
  private PresenceReporter presence;
  private TypingRelay typingRelay;
  private PresenceRelay presenceRelay;
  private WebSocketEndpoint webSocket;
  private NatsSendEndpoint natsSends;
  private String deploymentId;
  private long keepAliveTimer = -1;
  private long jwksTimer = -1;

  private GatewayNode(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  public static Future<GatewayNode> start(Vertx vertx, GatewayConfig config) {
    GatewayNode node = new GatewayNode(vertx, config);
    return node.startAll()
        .map(node)
        .recover(e -> node.close().transform(ignored -> Future.failedFuture(e)));
  }

  private Future<Void> startAll() {
    Subjects subjects = config.nats().subjects();
    registry.config().commonTags("node", config.nodeId());
    pool = pgPool(config.postgres().connectOptions(), config.postgres().poolSize());
    searchPool =
        pgPool(
            MessageSearch.withSettings(config.postgres().connectOptions()),
            config.searchPoolSize());
    redis = new RedisProbe(config.redis().url());
    LocalFileStorage files = new LocalFileStorage(vertx, config.files().directory());
    limiter =
        new RateLimiter(
            vertx,
            config.rateLimits().rates(),
            config.redis().url(),
            config.redis().keyPrefix(),
            config.rateLimits().redisTimeout(),
            registry);
    fileSweeper =
        new FileSweeper(
            vertx,
            pool,
            files,
            config.files().sweepAge(),
            config.files().sweepInterval(),
            registry);
    return SchemaCheck.verifyWithin(vertx, pool, config.database().startupWait())
        .compose(v -> files.prepare())
        .compose(v -> limiter.start())
        .compose(v -> vertx.executeBlocking(this::connectNats))
        .compose(v -> TokenVerifier.create(vertx, config.jwt(), config.serviceKeys()))
        .compose(
            verifier -> {
              StreamClient stream;
              try {
                stream = new StreamClient(nats, config.nats());
              } catch (IOException e) {
                return Future.failedFuture(e);
              }
              Context hubContext = vertx.getOrCreateContext();
              MembershipCache membership =
                  new MembershipCache(pool, config.fanout().membershipCacheTtl());
              UnstoredMessages unstored =
                  new UnstoredMessages(
                      stream,
                      subjects,
                      config.limits().maxHistoryTail(),
                      config.limits().maxStreamScan());
              HistoryReader history = new HistoryReader(pool, unstored, registry);
              ConversationStore conversations = new ConversationStore(pool, unstored);
              SharedConversations sharedConversations = new SharedConversations(conversations);
              hub =
                  new FanoutHub(
                      hubContext,
                      nats,
                      stream,
                      subjects,
                      registry,
                      (conversationId, seq) ->
                          history.at(conversationId, seq).map(ChatMessage::prevSeq),
                      change -> {
                        membership.invalidate(change.conversationId());
                        sharedConversations.forget(change);
                      },
                      config.fanout().handoffMax(),
                      config.fanout().heldMax());
              // notices and republished copies sent while NATS was away are lost: forget what they
              // would
              // have dropped, and read every subscribed conversation back from the stream
              nats.addConnectionListener(
                  (conn, event) -> {
                    if (event == ConnectionListener.Events.RECONNECTED
                        || event == ConnectionListener.Events.RESUBSCRIBED) {
                      membership.invalidateAll();
                      hub.resyncAll();
                    }
                  });
              presence = new PresenceReporter(config.nodeId(), nats, subjects, hub);
              UserDirectory users = new UserDirectory(pool);
              ConversationLog conversationLog =
                  new ConversationLog(pool, stream, config.database().lockedPublishTimeout());
              MembershipAnnouncer announcer = new MembershipAnnouncer(hub, nats, stream, subjects);
              PersistedWrites persisted =
                  new PersistedWrites(stream, MESSAGE_LOOKUP_WAIT, registry);
              MessageLocator locator = new MessageLocator(pool, unstored, persisted, membership);
              SendService sends =
                  new SendService(
                      membership,
                      stream,
                      hub,
                      history,
                      pool,
                      locator,
                      limiter,
                      subjects,
                      config.ackWaitForFanout(),
                      registry);
              MessageChanges messageChanges =
                  new MessageChanges(locator, conversationLog, subjects, limiter);
              Reactions reactions =
                  new Reactions(
                      locator,
                      conversationLog,
                      subjects,
                      limiter,
                      config.rateLimits().maxDistinctReactions());
              ReadReceipts readReceipts =
                  new ReadReceipts(pool, locator, conversationLog, subjects, limiter);
              TypingTracker typing =
                  new TypingTracker(
                      hubContext,
                      nats,
                      subjects,
                      config.ephemeral().typingLapse(),
                      config.ephemeral().typingRenewInterval(),
                      registry);
              TypingFrames typingFrames = new TypingFrames(membership, typing, limiter);
              PresenceClient presenceNodes =
                  new PresenceClient(
                      vertx, nats, subjects, config.ephemeral().presenceRequestTimeout());
              natsSends =
                  new NatsSendEndpoint(
                      vertx.getOrCreateContext(),
                      nats,
                      subjects,
                      verifier,
                      users,
                      sends,
                      config.limits().maxContentBytes(),
                      registry);
              WsTickets tickets =
                  new WsTickets(
                      vertx, redis, config.redis().keyPrefix(), config.browsers().wsTicketTtl());
              webSocket =
                  new WebSocketEndpoint(
                      new HandshakeAuth(verifier, tickets),
                      users,
                      conversations::conversationIdsOf,
                      hub,
                      new FrameDispatcher(
                          Map.of(
                              EventType.MESSAGE_SEND,
                                  new SendFrames(sends, config.limits().maxContentBytes()),
                              EventType.MESSAGE_READ, new ReadFrames(readReceipts),
                              EventType.TYPING_START, typingFrames.start(),
                              EventType.TYPING_STOP, typingFrames.stop(),
                              EventType.PRESENCE_UPDATE, new PresenceFrames(presenceNodes))),
                      presence,
                      new WebSocketEndpoint.Limits(
                          config.limits().wsWriteQueueBytes(),
                          config.limits().maxFrameBytes(),
                          config.wsBounds().maxConnectionsPerUser(),
                          config.wsBounds().maxInFlight()),
                      registry);
              webSocket.onClose(c -> typing.connectionClosed(c.userId(), c.id()));
              typingRelay = new TypingRelay(nats, subjects, hub);
              typingRelay.start();
              presenceRelay =
                  new PresenceRelay(hubContext, nats, subjects, hub, sharedConversations, registry);
              presenceRelay.start();
              // ready = this node can take traffic: NATS (sends are acked by the stream) and not
              // draining.
              // Postgres, Redis and presence are reported, not required: without them sends are
              // still
              // acked, and taking every gateway out of rotation would turn a partial outage into a
              // full one.
              readiness =
                  new Readiness()
                      .check(
                          "nats",
                          () ->
                              nats.getStatus() == Connection.Status.CONNECTED
                                  ? Future.succeededFuture()
                                  : Future.failedFuture("NATS connection is " + nats.getStatus()))
                      .report(
                          "postgres",
                          () -> pool.query("SELECT 1").execute().timeout(2, TimeUnit.SECONDS))
                      .report("redis", () -> redis.ping(vertx).timeout(2, TimeUnit.SECONDS))
                      .report("presence", presenceNodes::probe);
              // a load balancer's probe is answered at once: the reported checks run in the
              // background
              readiness.refreshReportedEvery(vertx, READINESS_REFRESH);
              ApiVerticle.Routes routes =
                  new ApiVerticle.Routes(
                      serverOptions(),
                      new OpsRoutes(registry, readiness),
                      verifier,
                      users,
                      new DevTokenRoutes(verifier, config.jwt()),
                      List.of(
                          new ConversationRoutes(
                              conversations,
                              announcer,
                              new ConversationChanges(conversationLog, announcer, subjects),
                              limiter),
                          new MemberRoutes(
                              new MemberChanges(conversationLog, announcer, subjects, limiter)),
                          new MessageRoutes(
                              sends, history, membership, config.limits().maxContentBytes()),
                          new MessageChangeRoutes(
                              messageChanges, config.limits().maxContentBytes()),
                          new ReactionRoutes(reactions),
                          new ReadRoutes(readReceipts),
                          new OnlineRoutes(pool, presenceNodes),
                          new SearchRoutes(
                              new MessageSearch(searchPool, unstored, registry), membership),
                          new FileRoutes(
                              files,
                              new FileCatalog(pool, config.files().quotaBytes()),
                              unstored,
                              persisted,
                              limiter,
                              config.files().maxUploadBytes(),
                              registry),
                          new WsTicketRoutes(tickets)),
                      webSocket,
                      config.browsers().corsOrigins());
              if (config.jwt().jwksUrl() != null) {
                jwksTimer =
                    vertx.setPeriodic(
                        TokenVerifier.reloadInterval().toMillis(),
                        t ->
                            verifier
                                .reload()
                                .onFailure(
                                    e ->
                                        log.warn(
                                            "JWKS refresh from {} failed, keeping the old keys: {}",
                                            config.jwt().jwksUrl(),
                                            e.toString())));
              }
              return vertx.deployVerticle(
                  () -> {
                    ApiVerticle v = new ApiVerticle(routes);
                    instances.add(v);
                    return v;
                  },
                  new DeploymentOptions().setInstances(config.httpInstances()));
            })
        .map(
            id -> {
              deploymentId = id;
              long idleNanos = config.wsIdleTimeout().toNanos();
              keepAliveTimer =
                  vertx.setPeriodic(
                      config.wsPingInterval().toMillis(), t -> webSocket.keepAlive(idleNanos));
              presence.start(vertx, config.presenceHeartbeatInterval());
              natsSends.start();
              fileSweeper.start();
              log.info(
                  "gateway {} listening on {}:{} (stream {}, prefix {}, {})",
                  config.nodeId(),
                  config.httpHost(),
                  port(),
                  config.nats().streamName(),
                  config.nats().subjectPrefix(),
                  config.jwt());
              return null;
            });
  }

  private Pool pgPool(PgConnectOptions options, int size) {
    return PgBuilder.pool()
        // a bounded wait for a connection, and bounded statements and lock waits: a slow or locked
        // database answers 'unavailable' fast instead of piling requests up
        .with(config.database().poolOptions(size))
        // fail fast when Postgres is unreachable: reads answer 'unavailable', sends don't wait on
        // it
        .with(new NetClientOptions().setConnectTimeout(2000))
        .connectingTo(config.database().applyTo(options).setCachePreparedStatements(true))
        .using(vertx)
        .build();
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setHost(config.httpHost())
        .setPort(config.httpPort())
        // a single oversized frame is refused by the codec from its header (WebSocketEndpoint
        // closes
        // with 1009); a message spread over several frames is counted by MessageAssembler (1009
        // too)
        .setMaxWebSocketFrameSize(config.limits().maxFrameBytes())
        .setMaxWebSocketMessageSize(config.limits().maxFrameBytes())
        // no WebSocket compression: the limits apply to bytes on the wire, and an inflater would
        // build a message of any size from a small compressed frame before anything could count it
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setCompressionSupported(true);
  }

  private Void connectNats() throws Exception {
    try {
      nats =
          NatsConnections.connect(
              config.nats().url(),
              config.nodeId(),
              "sends fail with 'unavailable' until it returns");
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach NATS at "
              + Secrets.redact(config.nats().url())
              + " (set PARLEY_NATS_URL, and start nats-server with -js): "
              + Secrets.redact(e.getMessage()),
          e);
    }
    StreamLayout.ensureStream(nats.jetStreamManagement(), config.nats());
    return null;
  }

  /** The port the API listens on (the real one when configured as 0). */
  public int port() {
    return instances.isEmpty() ? -1 : instances.get(0).actualPort();
  }

  /** Every route the API router has, as Vert.x Web holds them (the API-spec drift test reads these). */
  public List<Route> httpRoutes() {
    return instances.isEmpty() ? List.of() : instances.get(0).routes();
  }

  public String nodeId() {
    return config.nodeId();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * The orderly stop (SIGTERM): not ready at once ({@code /ready} 503 {@code draining}), serving as
   * usual for {@code delay} so load balancers take the node out of rotation; then stops accepting
   * connections and requests, lets requests in progress finish, closes WebSockets with 1001 spread
   * over {@code closeSpread} (each once the frames it sent are answered), and closes the rest.
   * The caller bounds the whole (PARLEY_DRAIN_TIMEOUT).
   */
  public Future<Void> drain() {
    Duration delay = config.drain().delay();
    Duration spread = config.drain().closeSpread();
    if (readiness != null) {
      readiness.stopServing("draining");
    }
    log.info("gateway {} draining: not ready now, stops accepting in {}", config.nodeId(), delay);
    Promise<Void> delayed = Promise.promise();
    vertx.setTimer(Math.max(1, delay.toMillis()), t -> delayed.complete());
    return delayed
        .future()
        .compose(
            v -> {
              // the servers stop accepting now; what is still open when the drain's budget (less a
              // second
              // for closing the rest) runs out is closed by them, whatever it is doing
              Duration grace = config.drain().timeout().minus(delay).minusSeconds(1);
              List<Future<Void>> stopping = new ArrayList<>();
              instances.forEach(api -> stopping.add(api.shutdown(grace)));
              if (webSocket != null) {
                // a socket whose last sends are still unanswered is closed (1001) before the
                // servers cut it
                stopping.add(webSocket.drain(vertx, spread, grace.minus(spread).minusSeconds(1)));
              }
              return Future.join(stopping).transform(ar -> close());
            });
  }

  /** Stops accepting, closes client connections (they reconnect elsewhere), then dependencies. */
  public Future<Void> close() {
    if (keepAliveTimer >= 0) {
      vertx.cancelTimer(keepAliveTimer);
    }
    if (jwksTimer >= 0) {
      vertx.cancelTimer(jwksTimer);
    }
    if (readiness != null) {
      readiness.stopRefreshing(vertx);
    }
    if (fileSweeper != null) {
      fileSweeper.stop();
    }
    if (presence != null) {
      presence.stop(vertx);
    }
    if (webSocket != null) {
      webSocket.closeAll();
    }
    // closing the bot-send dispatcher blocks, and close() may run on an event loop (after a drain)
    Future<Void> botSendsStopped =
        vertx.executeBlocking(
            () -> {
              if (natsSends != null) {
                natsSends.stop();
              }
              return null;
            });
    return botSendsStopped
        .transform(
            ar -> deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId))
        .transform(
            ar ->
                vertx.executeBlocking(
                    () -> {
                      if (typingRelay != null) {
                        typingRelay.close();
                      }
                      if (presenceRelay != null) {
                        presenceRelay.close();
                      }
                      return null;
                    }))
        .transform(ar -> hub == null ? Future.succeededFuture() : hub.close())
        .transform(
            ar -> {
              if (nats == null) {
                return Future.succeededFuture();
              }
              return vertx.executeBlocking(
                  () -> {
                    nats.close();
                    return null;
                  });
            })
        .transform(ar -> pool == null ? Future.succeededFuture() : pool.close())
        .transform(ar -> searchPool == null ? Future.succeededFuture() : searchPool.close())
        .transform(ar -> limiter == null ? Future.succeededFuture() : limiter.close())
        .transform(
            ar -> {
              if (redis != null) {
                redis.close();
              }
              return Future.<Void>succeededFuture();
            });
  }
}
