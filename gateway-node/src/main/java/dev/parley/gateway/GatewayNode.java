package dev.parley.gateway;

import dev.parley.contract.Subjects;
import dev.parley.contract.config.Secrets;
import dev.parley.contract.metrics.ProcessMetrics;
import dev.parley.contract.nats.NatsConnections;
import dev.parley.contract.ops.OpsRoutes;
import dev.parley.contract.ops.Readiness;
import dev.parley.contract.schema.SchemaCheck;
import dev.parley.contract.stream.StreamLayout;
import dev.parley.contract.tracing.Tracing;
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
import dev.parley.gateway.files.FileStorage;
import dev.parley.gateway.files.FileSweeper;
import dev.parley.gateway.files.LocalFileStorage;
import dev.parley.gateway.files.S3FileStorage;
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
import io.vertx.core.tracing.TracingPolicy;
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

  private final Vertx vertx;
  private final GatewayConfig config;
  private final List<ApiVerticle> instances = new CopyOnWriteArrayList<>();
  private final ProcessMetrics metrics;
  private final Tracing tracing;
  private final PrometheusMeterRegistry registry;
  private Connection nats;
  private Pool pool;
  private Pool searchPool;
  private RedisProbe redis;
  private RateLimiter limiter;
  private FileStorage files;
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

  /** What reads and writes conversations and messages: Postgres, the stream, and caches over both. */
  private record Stores(
      StreamClient stream,
      MembershipCache membership,
      UnstoredMessages unstored,
      HistoryReader history,
      ConversationStore conversations,
      SharedConversations sharedConversations,
      UserDirectory users,
      ConversationLog conversationLog,
      PersistedWrites persisted,
      MessageLocator locator) {}

  /** What the edges (REST, WebSocket, NATS) call: one service per feature. */
  private record Services(
      SendService sends,
      MessageChanges messageChanges,
      Reactions reactions,
      ReadReceipts readReceipts,
      MembershipAnnouncer announcer,
      TypingTracker typing,
      TypingFrames typingFrames,
      PresenceClient presenceNodes,
      WsTickets tickets) {}

  private GatewayNode(Vertx vertx, GatewayConfig config, ProcessMetrics metrics, Tracing tracing) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.tracing = tracing;
    this.registry = metrics.registry();
  }

  /** A gateway with JVM metrics and its own, without Vert.x's (a Vert.x built elsewhere). */
  public static Future<GatewayNode> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, ProcessMetrics.forNode(config.nodeId()));
  }

  /**
   * A gateway reporting to {@code metrics} (Vert.x's meters too when {@code vertx} was built by
   * {@link ProcessMetrics#vertx}); the node closes them with itself.
   */
  public static Future<GatewayNode> start(
      Vertx vertx, GatewayConfig config, ProcessMetrics metrics) {
    return start(vertx, config, metrics, Tracing.off());
  }

  /**
   * As {@link #start(Vertx, GatewayConfig, ProcessMetrics)}, with sends traced by {@code tracing}
   * (REST and the WebSocket upgrade are traced by {@code vertx} when built with it, see {@link
   * ProcessMetrics#vertx(io.vertx.core.VertxOptions, Tracing)}). The caller closes it after the node.
   */
  public static Future<GatewayNode> start(
      Vertx vertx, GatewayConfig config, ProcessMetrics metrics, Tracing tracing) {
    GatewayNode node = new GatewayNode(vertx, config, metrics, tracing);
    return node.startAll()
        .map(node)
        .recover(e -> node.close().transform(ignored -> Future.failedFuture(e)));
  }

  /** Each step builds what the next one needs; {@link #close} undoes them in reverse. */
  private Future<Void> startAll() {
    buildClients();
    return connectDependencies()
        .compose(v -> TokenVerifier.create(vertx, config.jwt(), config.serviceKeys()))
        .compose(
            verifier -> {
              Stores stores;
              try {
                stores = buildStores(new StreamClient(nats, config.nats(), registry, tracing));
              } catch (IOException e) {
                return Future.failedFuture(e);
              }
              Context hubContext = vertx.getOrCreateContext();
              buildFanout(hubContext, stores);
              Services services = buildServices(hubContext, stores);
              ApiVerticle.Routes routes = buildEdges(hubContext, verifier, stores, services);
              startJwksRefresh(verifier);
              return deployApi(routes);
            })
        .map(this::startBackgroundWork);
  }

  /** Clients of Postgres, Redis and the file store: nothing is connected yet. */
  private void buildClients() {
    pool = pgPool(config.postgres().connectOptions(), config.postgres().poolSize());
    searchPool =
        pgPool(
            MessageSearch.withSettings(config.postgres().connectOptions()),
            config.searchPoolSize());
    redis = new RedisProbe(config.redis());
    files =
        config
            .files()
            .s3()
            .<FileStorage>map(
                s3 ->
                    new S3FileStorage(
                        vertx, s3.bucket(), s3.endpoint(), s3.region(), s3.pathStyle()))
            .orElseGet(() -> new LocalFileStorage(vertx, config.files().directory()));
    limiter =
        new RateLimiter(
            vertx,
            config.rateLimits().rates(),
            config.redis(),
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
  }

  /** The schema check (waiting for Postgres), the files directory, the rate limiter and NATS. */
  private Future<Void> connectDependencies() {
    return SchemaCheck.verifyWithin(vertx, pool, config.database().startupWait())
        .compose(v -> files.prepare())
        .compose(v -> limiter.start())
        .compose(v -> vertx.executeBlocking(this::connectNats));
  }

  private Stores buildStores(StreamClient stream) {
    Subjects subjects = config.nats().subjects();
    MembershipCache membership = new MembershipCache(pool, config.fanout().membershipCacheTtl());
    UnstoredMessages unstored =
        new UnstoredMessages(
            stream, subjects, config.limits().maxHistoryTail(), config.limits().maxStreamScan());
    HistoryReader history = new HistoryReader(pool, unstored, registry);
    ConversationStore conversations = new ConversationStore(pool, unstored);
    PersistedWrites persisted = new PersistedWrites(stream, config.messageLookupWait(), registry);
    return new Stores(
        stream,
        membership,
        unstored,
        history,
        conversations,
        new SharedConversations(conversations, config.ephemeral().presenceFanoutMaxMembers()),
        new UserDirectory(pool),
        new ConversationLog(pool, stream, config.database().lockedPublishTimeout()),
        persisted,
        new MessageLocator(pool, unstored, persisted, membership));
  }

  /** The fan-out hub, what drops caches when membership changes, and the presence reports. */
  private void buildFanout(Context hubContext, Stores stores) {
    Subjects subjects = config.nats().subjects();
    hub =
        new FanoutHub(
            hubContext,
            nats,
            stores.stream(),
            subjects,
            registry,
            (conversationId, seq) ->
                stores.history().at(conversationId, seq).map(ChatMessage::prevSeq),
            change -> {
              stores.membership().invalidate(change.conversationId());
              stores.sharedConversations().forget(change);
            },
            config.fanout().handoffMax(),
            config.fanout().heldMax(),
            config.fanout().sendLinger());
    // notices and republished copies sent while NATS was away are lost: forget what they would
    // have dropped, and read every subscribed conversation back from the stream
    nats.addConnectionListener(
        (conn, event) -> {
          if (event == ConnectionListener.Events.RECONNECTED
              || event == ConnectionListener.Events.RESUBSCRIBED) {
            stores.membership().invalidateAll();
            hub.resyncAll();
          }
        });
    presence = new PresenceReporter(config.nodeId(), nats, subjects, hub);
  }

  private Services buildServices(Context hubContext, Stores stores) {
    Subjects subjects = config.nats().subjects();
    SendService sends =
        new SendService(
            stores.membership(),
            stores.stream(),
            hub,
            stores.history(),
            pool,
            stores.locator(),
            limiter,
            subjects,
            config.sendFanoutWait(),
            registry,
            tracing);
    TypingTracker typing =
        new TypingTracker(
            hubContext,
            nats,
            subjects,
            config.ephemeral().typingLapse(),
            config.ephemeral().typingRenewInterval(),
            registry);
    return new Services(
        sends,
        new MessageChanges(stores.locator(), stores.conversationLog(), subjects, limiter),
        new Reactions(
            stores.locator(),
            stores.conversationLog(),
            subjects,
            limiter,
            config.rateLimits().maxDistinctReactions()),
        new ReadReceipts(pool, stores.locator(), stores.conversationLog(), subjects, limiter),
        new MembershipAnnouncer(hub, nats, stores.stream(), subjects),
        typing,
        new TypingFrames(stores.membership(), typing, limiter),
        new PresenceClient(vertx, nats, subjects, config.ephemeral().presenceRequestTimeout()),
        new WsTickets(
            vertx,
            redis,
            config.redis().keyPrefix(),
            config.browsers().wsTicketTtl(),
            config.redis().timeout()));
  }

  /**
   * Everything clients and integrators reach: bot sends over NATS, the WebSocket endpoint and its
   * relays, readiness, and the REST routes (returned, for every HTTP instance to mount).
   */
  private ApiVerticle.Routes buildEdges(
      Context hubContext, TokenVerifier verifier, Stores stores, Services services) {
    Subjects subjects = config.nats().subjects();
    int maxContentBytes = config.limits().maxContentBytes();
    natsSends =
        new NatsSendEndpoint(
            vertx.getOrCreateContext(),
            nats,
            subjects,
            verifier,
            stores.users(),
            services.sends(),
            maxContentBytes,
            registry);
    webSocket =
        new WebSocketEndpoint(
            new HandshakeAuth(verifier, services.tickets()),
            stores.users(),
            // read fresh, and kept for the presence change this connection causes
            stores.sharedConversations()::read,
            hub,
            new FrameDispatcher(
                Map.of(
                    EventType.MESSAGE_SEND, new SendFrames(services.sends(), maxContentBytes),
                    EventType.MESSAGE_READ, new ReadFrames(services.readReceipts()),
                    EventType.TYPING_START, services.typingFrames().start(),
                    EventType.TYPING_STOP, services.typingFrames().stop(),
                    EventType.PRESENCE_UPDATE, new PresenceFrames(services.presenceNodes())),
                registry,
                tracing),
            presence,
            new WebSocketEndpoint.Limits(
                config.limits().wsWriteQueueBytes(),
                config.limits().maxFrameBytes(),
                config.wsBounds().maxConnectionsPerUser(),
                config.wsBounds().maxInFlight()),
            registry);
    webSocket.onClose(c -> services.typing().connectionClosed(c.userId(), c.id()));
    typingRelay = new TypingRelay(nats, subjects, hub);
    typingRelay.start();
    presenceRelay =
        new PresenceRelay(hubContext, nats, subjects, hub, stores.sharedConversations(), registry);
    presenceRelay.start();
    readiness = buildReadiness(services.presenceNodes());
    MembershipAnnouncer announcer = services.announcer();
    ConversationLog conversationLog = stores.conversationLog();
    return new ApiVerticle.Routes(
        serverOptions(),
        new OpsRoutes(registry, readiness),
        verifier,
        stores.users(),
        new DevTokenRoutes(verifier, config.jwt()),
        List.of(
            new ConversationRoutes(
                stores.conversations(),
                announcer,
                new ConversationChanges(conversationLog, announcer, subjects),
                limiter),
            new MemberRoutes(new MemberChanges(conversationLog, announcer, subjects, limiter)),
            new MessageRoutes(
                services.sends(), stores.history(), stores.membership(), maxContentBytes),
            new MessageChangeRoutes(services.messageChanges(), maxContentBytes),
            new ReactionRoutes(services.reactions()),
            new ReadRoutes(services.readReceipts()),
            new OnlineRoutes(pool, services.presenceNodes()),
            new SearchRoutes(
                new MessageSearch(searchPool, stores.unstored(), registry), stores.membership()),
            new FileRoutes(
                files,
                new FileCatalog(pool, config.files().quotaBytes()),
                stores.unstored(),
                stores.persisted(),
                limiter,
                config.files().maxUploadBytes(),
                registry),
            new WsTicketRoutes(services.tickets())),
        webSocket,
        config.browsers().corsOrigins());
  }

  /**
   * Ready = this node can take traffic: NATS (sends are acked by the stream) and not draining.
   * Postgres, Redis and presence are reported, not required: without them sends are still acked,
   * and taking every gateway out of rotation would turn a partial outage into a full one.
   */
  private Readiness buildReadiness(PresenceClient presenceNodes) {
    long checkMillis = config.readiness().checkTimeout().toMillis();
    Readiness r =
        new Readiness()
            .check(
                "nats",
                () ->
                    nats.getStatus() == Connection.Status.CONNECTED
                        ? Future.succeededFuture()
                        : Future.failedFuture("NATS connection is " + nats.getStatus()))
            .report(
                "postgres",
                () -> pool.query("SELECT 1").execute().timeout(checkMillis, TimeUnit.MILLISECONDS))
            .report("redis", () -> redis.ping(vertx).timeout(checkMillis, TimeUnit.MILLISECONDS))
            .report("presence", presenceNodes::probe);
    // a load balancer's probe is answered at once: the reported checks run in the background
    r.refreshReportedEvery(vertx, config.readiness().refreshInterval());
    return r;
  }

  /** With a JWKS URL, the key set is fetched again each time its cache would expire. */
  private void startJwksRefresh(TokenVerifier verifier) {
    if (config.jwt().jwksUrl() == null) {
      return;
    }
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

  /** One HTTP server per event loop ({@code PARLEY_HTTP_INSTANCES}), sharing the port. */
  private Future<String> deployApi(ApiVerticle.Routes routes) {
    return vertx.deployVerticle(
        () -> {
          ApiVerticle v = new ApiVerticle(routes);
          instances.add(v);
          return v;
        },
        new DeploymentOptions().setInstances(config.httpInstances()));
  }

  /** Once the API listens: WebSocket pings, presence heartbeats, bot sends and the file sweep. */
  private Void startBackgroundWork(String apiDeploymentId) {
    deploymentId = apiDeploymentId;
    long idleNanos = config.wsIdleTimeout().toNanos();
    keepAliveTimer =
        vertx.setPeriodic(config.wsPingInterval().toMillis(), t -> webSocket.keepAlive(idleNanos));
    presence.start(vertx, config.presenceHeartbeatInterval());
    natsSends.start();
    fileSweeper.start();
    log.info(
        "gateway {} listening on {}:{} (stream {} in {} partitions, prefix {}, {})",
        config.nodeId(),
        config.httpHost(),
        port(),
        config.nats().streamName(),
        config.nats().partitions(),
        config.nats().subjectPrefix(),
        config.jwt());
    return null;
  }

  private Pool pgPool(PgConnectOptions options, int size) {
    return PgBuilder.pool()
        // a bounded wait for a connection, and bounded statements and lock waits: a slow or locked
        // database answers 'unavailable' fast instead of piling requests up
        .with(config.database().poolOptions(size))
        // fail fast when Postgres is unreachable: reads answer 'unavailable', sends don't wait on
        // it
        .with(
            new NetClientOptions()
                .setConnectTimeout((int) config.database().connectTimeout().toMillis()))
        .connectingTo(config.database().applyTo(options))
        .using(vertx)
        .build();
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        // every request is a span when Vert.x was built with a tracer (continuing a caller's
        // traceparent); without one this costs nothing
        .setTracingPolicy(TracingPolicy.ALWAYS)
        .setHost(config.httpHost())
        .setPort(config.httpPort())
        // a single oversized frame is refused by the codec from its header (WebSocketEndpoint
        // closes with 1009); a message spread over several frames is counted by MessageAssembler
        // (1009 too)
        .setMaxWebSocketFrameSize(config.limits().maxFrameBytes())
        .setMaxWebSocketMessageSize(config.limits().maxFrameBytes())
        // no WebSocket compression: the limits apply to bytes on the wire, and an inflater would
        // build a message of any size from a small compressed frame before anything could count it
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setCompressionSupported(true)
        // HTTP/1.1 and WebSocket only: a cleartext upgrade to HTTP/2 (h2c, which Java's
        // HttpClient asks for by default) left some responses unanswered, and plain HTTP/2 is
        // for the load balancer in front, where TLS ends, to speak
        .setHttp2ClearTextEnabled(false);
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
        .transform(ar -> files == null ? Future.succeededFuture() : files.close())
        .transform(
            ar -> {
              if (redis != null) {
                redis.close();
              }
              metrics.close();
              return Future.<Void>succeededFuture();
            });
  }
}
