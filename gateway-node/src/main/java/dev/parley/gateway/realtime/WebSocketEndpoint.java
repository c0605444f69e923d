package dev.parley.gateway.realtime;

import dev.parley.contract.wire.CloseReason;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.auth.HandshakeAuth;
import dev.parley.gateway.auth.UserDirectory;
import dev.parley.gateway.failure.Answer;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.fanout.FanoutHub;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ws}: authenticates the handshake (header, {@code ?token=} or a single-use
 * {@code ?ticket=}; refused with HTTP 401),
 * then registers the connection for its user's conversations and dispatches its frames.
 *
 * <p>Bounds per connection: a message over {@link Limits#maxMessageBytes} closes it ({@link CloseReason#MESSAGE_TOO_BIG}); at
 * {@link Limits#maxInFlight} unanswered frames it is not read until answers drain; at
 * {@link Limits#maxConnectionsPerUser} open connections a user's next handshake is refused (429).
 */
public final class WebSocketEndpoint {
  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);

  /** The answer to a frame that arrives while the node drains: it was not handled; send it again elsewhere. */
  private static final ApiException DRAINING =
      ApiException.unavailable(
          "this node is shutting down: reconnect (to any node) and send it again", null);

  /**
   * @param writeQueueBytes bytes allowed to wait for a slow client before it is closed ({@link CloseReason#SLOW_CONSUMER})
   * @param maxMessageBytes largest client message, over all its frames (else {@link CloseReason#MESSAGE_TOO_BIG})
   * @param maxConnectionsPerUser open connections per user on this node (one more: HTTP 429)
   * @param maxInFlight unanswered frames per connection before it stops being read
   */
  public record Limits(
      int writeQueueBytes, int maxMessageBytes, int maxConnectionsPerUser, int maxInFlight) {}

  private final HandshakeAuth auth;
  private final UserDirectory users;
  private final UserConversations conversations;
  private final FanoutHub hub;
  private final FrameDispatcher dispatcher;
  private final ConnectionObserver presence;
  private final Limits limits;
  private final ConnectionQuota quota;
  private final Map<ClientConnection, InFlightFrames> open = new ConcurrentHashMap<>();
  private final List<Consumer<ClientConnection>> closeListeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger framesInFlight = new AtomicInteger();
  private final AtomicLong readPauses = new AtomicLong();
  private final AtomicLong refusedOverCap = new AtomicLong();

  public WebSocketEndpoint(
      HandshakeAuth auth,
      UserDirectory users,
      UserConversations conversations,
      FanoutHub hub,
      FrameDispatcher dispatcher,
      ConnectionObserver presence,
      Limits limits,
      MeterRegistry registry) {
    this.auth = auth;
    this.users = users;
    this.conversations = conversations;
    this.hub = hub;
    this.dispatcher = dispatcher;
    this.presence = presence;
    this.limits = limits;
    this.quota = new ConnectionQuota(limits.maxConnectionsPerUser());
    registry.gauge("parley_ws_connections", open, Map::size);
    Gauge.builder("parley_ws_frames_in_flight", framesInFlight, AtomicInteger::get)
        .description("client frames being handled and not yet answered, over every connection")
        .register(registry);
    registry.more().counter("parley_ws_read_pauses_total", List.of(), readPauses);
    registry.more().counter("parley_ws_connections_refused_total", List.of(), refusedOverCap);
  }

  /** {@code listener} is told of every connection that closes (e.g. to end what it kept alive). */
  public void onClose(Consumer<ClientConnection> listener) {
    closeListeners.add(listener);
  }

  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!req.canUpgradeToWebSocket()) {
      ctx.fail(ApiException.invalid("this endpoint speaks WebSocket: send an Upgrade request"));
      return;
    }
    req.pause();
    Context connectionContext = Vertx.currentContext();
    auth.authenticate(req)
        .compose(users::ensure)
        .compose(
            user -> {
              if (!quota.tryAcquire(user.userId())) {
                refusedOverCap.incrementAndGet();
                return Future.failedFuture(
                    new ApiException(
                        ErrorCode.RATE_LIMITED,
                        "too many connections: at most "
                            + quota.maxPerUser()
                            + " per user on this node"));
              }
              return conversations
                  .conversationIdsOf(user.userId())
                  .compose(
                      ids -> {
                        // registered with the hub before the handshake answers: every frame for
                        // this user from the
                        // moment the client sees its connection open is kept for it, and written
                        // once the socket is up
                        ClientConnection conn =
                            new ClientConnection(
                                Ids.newId(),
                                user,
                                limits.writeQueueBytes(),
                                connectionContext,
                                dispatcher.metrics()::closed);
                        return hub.attach(conn, ids).map(conn);
                      })
                  .recover(e -> releaseThen(user.userId(), e));
            })
        .onSuccess(
            conn ->
                req.toWebSocket()
                    .onSuccess(ws -> open(ws, conn))
                    .onFailure(
                        e -> {
                          hub.detach(conn);
                          quota.release(conn.userId());
                          log.debug("upgrade failed: {}", e.toString());
                        }))
        .onFailure(
            e -> {
              // refused before the upgrade: an HTTP answer; what went wrong unexpectedly is the
              // node not accepting connections now, which another node may
              Answer answer =
                  Answer.of(
                      e instanceof ApiException
                          ? e
                          : ApiException.unavailable("cannot accept connections right now", e));
              answer.log(log, "WebSocket handshake");
              req.resume();
              req.response()
                  .setStatusCode(answer.httpStatus())
                  .putHeader("content-type", "application/json")
                  .end(answer.restBody().encode());
            });
  }

  private <T> Future<T> releaseThen(String userId, Throwable cause) {
    quota.release(userId);
    return Future.failedFuture(cause);
  }

  private void open(ServerWebSocket ws, ClientConnection conn) {
    String userId = conn.userId();
    InFlightFrames inFlight =
        new InFlightFrames(
            ws, Vertx.currentContext(), limits.maxInFlight(), framesInFlight, readPauses);
    open.put(conn, inFlight);
    ws.frameHandler(
        new MessageAssembler(
            conn,
            limits.maxMessageBytes(),
            text -> {
              if (inFlight.start()) {
                dispatcher.dispatch(conn, text).onComplete(ar -> inFlight.finished());
              } else {
                dispatcher.refuse(conn, text, DRAINING);
              }
            },
            () ->
                conn.send(
                    Answer.of(
                            ApiException.invalid(
                                "binary frames are not supported: send JSON text frames"))
                        .frame(null)
                        .encode())));
    ws.exceptionHandler(
        e -> {
          if (e instanceof CorruptedWebSocketFrameException corrupt
              && WebSocketCloseStatus.MESSAGE_TOO_BIG.equals(corrupt.closeStatus())) {
            // one frame over the limit, refused by the codec from its header before its payload is
            // read
            conn.close(
                CloseReason.MESSAGE_TOO_BIG,
                "frame larger than " + limits.maxMessageBytes() + " bytes");
          } else {
            log.debug("connection {} of {}: {}", conn.id(), userId, e.toString());
          }
        });
    ws.closeHandler(
        v -> {
          if (open.remove(conn) != null) {
            quota.release(userId);
            // reported once the hub's counts no longer hold it, so the report is stamped after any
            // heartbeat whose counts still do (presence nodes let the newer of the two stand)
            hub.detach(conn).onComplete(ar -> presence.disconnected(userId, conn.id()));
            closeListeners.forEach(l -> l.accept(conn));
          }
        });
    conn.bind(ws);
    presence.connected(userId, conn.id());
  }

  /** Pings every connection; closes those that sent nothing (no frame, ping or pong) within {@code idleNanos}. */
  public void keepAlive(long idleNanos) {
    open.forEach(
        (c, inFlight) -> {
          // a connection whose frames we are still answering is waiting on us, not idle
          if (c.nanosSinceHeard() > idleNanos && !inFlight.busy()) {
            c.close(CloseReason.IDLE, "nothing heard within the idle timeout");
          } else {
            c.ping();
          }
        });
  }

  /**
   * Closes every connection ({@link CloseReason#GOING_AWAY}), spread evenly over {@code spread} so that clients do not all
   * reconnect at once. Until its turn a connection is served as usual; at its turn it stops being
   * read (what the client sends from then on is sent again elsewhere after the close, never
   * answered with an error) and is closed once every frame it took has been answered (a send
   * already published gets its ack before the close), waiting at most {@code answersWithin}.
   * Completes when every connection has been closed.
   */
  public Future<Void> drain(Vertx vertx, Duration spread, Duration answersWithin) {
    List<Map.Entry<ClientConnection, InFlightFrames>> all = new ArrayList<>(open.entrySet());
    List<Future<Void>> closed = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      ClientConnection conn = all.get(i).getKey();
      InFlightFrames frames = all.get(i).getValue();
      Promise<Void> turn = Promise.promise();
      vertx.setTimer(Math.max(1, spread.toMillis() * i / all.size()), t -> turn.complete());
      closed.add(
          turn.future()
              .compose(
                  v ->
                      frames
                          .stopTaking()
                          .timeout(Math.max(1, answersWithin.toMillis()), TimeUnit.MILLISECONDS))
              .transform(
                  ar -> {
                    frames.readThenClose(() -> conn.close(CloseReason.GOING_AWAY, "node draining"));
                    return Future.<Void>succeededFuture();
                  }));
    }
    log.info("draining {} WebSocket connections over {}", all.size(), spread);
    return Future.join(closed).mapEmpty();
  }

  /** Closes every connection at once (a stop without a drain): clients reconnect to another node and resume. */
  public void closeAll() {
    open.keySet().forEach(c -> c.close(CloseReason.GOING_AWAY, "server shutting down"));
  }

  /** Open connections on this node. */
  public int connections() {
    return open.size();
  }
}
