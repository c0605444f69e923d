package dev.parley.gateway.realtime;

import dev.parley.contract.wire.CloseReason;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.fanout.LocalConnection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client WebSocket. Writes are bounded: when the socket's write queue is full the client is
 * too slow to keep up, and it is closed with a reason rather than letting the gateway's memory grow.
 *
 * <p>A connection exists before its socket: the hub registers it while the handshake is still
 * unanswered, so every frame for it from the moment the client sees its connection open (typing,
 * presence, stream entries) is kept. Frames sent before {@link #bind} wait, in order, and are
 * written when the socket is there.
 */
public final class ClientConnection implements LocalConnection {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

  private final String id;
  private final AuthenticatedUser user;
  private final AtomicBoolean closing = new AtomicBoolean();

  /** Bytes handed to the socket (or waiting for it) and not yet written out: the connection's own bounded queue. */
  private final AtomicLong pendingBytes = new AtomicLong();

  private final long maxPendingBytes;
  private volatile long lastHeardFrom = System.nanoTime();

  /** The socket's own event loop: every write happens there, so frames from the hub and acks never interleave. */
  private final Context context;

  /** Set once by {@link #bind}; read and written on {@link #context} only, as is {@link #beforeBind}. */
  private ServerWebSocket ws;

  /** Frames sent before the socket is bound; made on the first such frame (most connections have none). */
  private Queue<String> beforeBind;

  private short closeCode;
  private String closeReason;
  private final Consumer<CloseReason> closedBy;

  /**
   * @param context the event loop of the HTTP connection that is being upgraded
   * @param closedBy told of each close the gateway decides, with its reason (counted)
   */
  public ClientConnection(
      String id,
      AuthenticatedUser user,
      long maxPendingBytes,
      Context context,
      Consumer<CloseReason> closedBy) {
    this.closedBy = closedBy;
    this.maxPendingBytes = maxPendingBytes;
    this.context = context;
    this.id = id;
    this.user = user;
  }

  /** The handshake succeeded: frames that waited for the socket are written now, in order. */
  public void bind(ServerWebSocket socket) {
    onContext(
        () -> {
          ws = socket;
          if (beforeBind != null) {
            for (String frame = beforeBind.poll(); frame != null; frame = beforeBind.poll()) {
              write(frame);
            }
            beforeBind = null;
          }
          if (closeReason != null) {
            ws.close(closeCode, closeReason);
          }
        });
  }

  public String id() {
    return id;
  }

  public AuthenticatedUser user() {
    return user;
  }

  @Override
  public String userId() {
    return user.userId();
  }

  @Override
  public void send(String frame) {
    if (admit(frame)) {
      onContext(() -> deliver(frame));
    }
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public void sendHere(String frame) {
    if (admit(frame)) {
      deliver(frame);
    }
  }

  /** Counts the frame into the connection's bounded queue; false (and closing) when it overflows. */
  private boolean admit(String frame) {
    if (closing.get()) {
      return false;
    }
    // frames are mostly ASCII JSON: the char count is a cheap, close bound on the bytes
    long size = frame.length();
    if (pendingBytes.addAndGet(size) > maxPendingBytes) {
      close(
          CloseReason.SLOW_CONSUMER,
          "more than " + maxPendingBytes + " bytes waiting to be written");
      return false;
    }
    return true;
  }

  /** On {@link #context}: writes the frame, or keeps it until the socket is bound. */
  private void deliver(String frame) {
    if (ws == null) {
      if (beforeBind == null) {
        beforeBind = new ArrayDeque<>(4);
      }
      beforeBind.add(frame);
    } else {
      write(frame);
    }
  }

  private void write(String frame) {
    long size = frame.length();
    ws.writeTextMessage(frame).onComplete(ar -> pendingBytes.addAndGet(-size));
  }

  /** Any frame or pong from the client counts as life. */
  public void heard() {
    lastHeardFrom = System.nanoTime();
  }

  public long nanosSinceHeard() {
    return System.nanoTime() - lastHeardFrom;
  }

  public void ping() {
    if (!closing.get()) {
      onContext(
          () -> {
            if (ws != null) {
              ws.writePing(Buffer.buffer("p"));
            }
          });
    }
  }

  /** Closes with {@code reason}'s code and text; {@code detail} goes to the log only. */
  public void close(CloseReason reason, String detail) {
    if (close(reason.code(), reason.reason(), detail)) {
      closedBy.accept(reason);
    }
  }

  /** True when this call closed the connection (false: it was closing already). */
  private boolean close(short code, String reason, String detail) {
    if (closing.compareAndSet(false, true)) {
      log.info("closing connection {} of {} with {}: {}", id, user.userId(), code, detail);
      onContext(
          () -> {
            if (ws == null) {
              // not bound yet: closed as soon as it is (an upgrade that fails is detached by its
              // endpoint)
              closeCode = code;
              closeReason = reason;
            } else {
              ws.close(code, reason);
            }
          });
      return true;
    }
    return false;
  }

  private void onContext(Runnable action) {
    if (context.isEventLoopContext() && Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
