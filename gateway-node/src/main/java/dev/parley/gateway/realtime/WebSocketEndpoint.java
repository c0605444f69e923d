package dev.parley.gateway.realtime;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Frames;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.auth.HandshakeAuth;
import dev.parley.gateway.auth.UserDirectory;
import dev.parley.gateway.conversations.ConversationStore;
import dev.parley.gateway.fanout.FanoutHub;
import dev.parley.gateway.http.ApiException;
import dev.parley.gateway.presence.PresenceReporter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ws}: authenticates the handshake (header, {@code ?token=} or a single-use
 * {@code ?ticket=}; refused with HTTP 401),
 * then registers the connection for its user's conversations and dispatches its frames.
 */
public final class WebSocketEndpoint {
  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);

  private final HandshakeAuth auth;
  private final UserDirectory users;
  private final ConversationStore conversations;
  private final FanoutHub hub;
  private final FrameDispatcher dispatcher;
  private final PresenceReporter presence;
  private final int writeQueueBytes;
  private final int maxMessageBytes;
  private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
  private final List<Consumer<ClientConnection>> closeListeners = new CopyOnWriteArrayList<>();

  public WebSocketEndpoint(HandshakeAuth auth, UserDirectory users, ConversationStore conversations, FanoutHub hub,
      FrameDispatcher dispatcher, PresenceReporter presence, int writeQueueBytes, int maxMessageBytes, MeterRegistry registry) {
    this.maxMessageBytes = maxMessageBytes;
    this.auth = auth;
    this.users = users;
    this.conversations = conversations;
    this.hub = hub;
    this.dispatcher = dispatcher;
    this.presence = presence;
    this.writeQueueBytes = writeQueueBytes;
    registry.gauge("parley_ws_connections", open, Set::size);
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
        .compose(user -> conversations.conversationIdsOf(user.userId()).compose(ids -> {
          // registered with the hub before the handshake answers: every frame for this user from the
          // moment the client sees its connection open is kept for it, and written once the socket is up
          ClientConnection conn = new ClientConnection(Ids.newId(), user, writeQueueBytes, connectionContext);
          return hub.attach(conn, ids).map(conn);
        }))
        .onSuccess(conn -> req.toWebSocket()
            .onSuccess(ws -> open(ws, conn))
            .onFailure(e -> {
              hub.detach(conn);
              log.debug("upgrade failed: {}", e.toString());
            }))
        .onFailure(e -> {
          ApiException api = e instanceof ApiException a ? a : ApiException.unavailable("cannot accept connections right now", e);
          if (api.code().httpStatus() >= 500) {
            log.warn("WebSocket handshake refused: {}", e.toString());
          }
          req.resume();
          req.response().setStatusCode(api.code().httpStatus()).putHeader("content-type", "application/json")
              .end(Frames.errorBody(api.code(), api.getMessage()).encode());
        });
  }

  private void open(ServerWebSocket ws, ClientConnection conn) {
    String userId = conn.userId();
    open.add(conn);
    ws.binaryMessageHandler(b -> {
      conn.heard();
      conn.send(Frames.error(null, ErrorCode.INVALID_ARGUMENT, "binary frames are not supported: send JSON text frames").encode());
    });
    ws.pongHandler(b -> conn.heard());
    MessageSizeGuard sizeGuard = new MessageSizeGuard(conn, maxMessageBytes);
    TextMessages texts = new TextMessages(conn, maxMessageBytes, text -> {
      conn.heard();
      dispatcher.dispatch(conn, text);
    });
    ws.frameHandler(frame -> {
      sizeGuard.handle(frame);
      texts.handle(frame);
    });
    ws.exceptionHandler(e -> log.debug("connection {} of {}: {}", conn.id(), userId, e.toString()));
    ws.closeHandler(v -> {
      if (open.remove(conn)) {
        hub.detach(conn);
        presence.disconnected(userId, conn.id());
        closeListeners.forEach(l -> l.accept(conn));
      }
    });
    conn.bind(ws);
    presence.connected(userId, conn.id());
  }

  /** Pings every connection; closes those that answered nothing within {@code idleNanos}. */
  public void keepAlive(long idleNanos) {
    for (ClientConnection c : open) {
      if (c.nanosSinceHeard() > idleNanos) {
        c.close(ClientConnection.CLOSE_IDLE, "no frame or pong within the idle timeout");
      } else {
        c.ping();
      }
    }
  }

  /** Closes every connection (shutdown): clients reconnect to another node and resume. */
  public void closeAll() {
    for (ClientConnection c : open) {
      c.close((short) 1001, "server shutting down");
    }
  }
}
