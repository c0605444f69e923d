package dev.parley.gateway.realtime;

import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.fanout.LocalConnection;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client WebSocket. Writes are bounded: when the socket's write queue is full the client is
 * too slow to keep up, and it is closed with a reason rather than letting the gateway's memory grow.
 */
public final class ClientConnection implements LocalConnection {
  /** Close code for a client that cannot keep up (private-use range of RFC 6455). */
  public static final short CLOSE_SLOW_CONSUMER = 4008;
  public static final short CLOSE_IDLE = 4000;

  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

  private final String id;
  private final AuthenticatedUser user;
  private final ServerWebSocket ws;
  private final AtomicBoolean closing = new AtomicBoolean();
  /** Bytes handed to the socket and not yet written out: the connection's own bounded queue. */
  private final java.util.concurrent.atomic.AtomicLong pendingBytes = new java.util.concurrent.atomic.AtomicLong();
  private final long maxPendingBytes;
  private volatile long lastHeardFrom = System.nanoTime();

  /** The socket's own event loop: every write happens there, so frames from the hub and acks never interleave. */
  private final io.vertx.core.Context context;

  public ClientConnection(String id, AuthenticatedUser user, ServerWebSocket ws, long maxPendingBytes, io.vertx.core.Context context) {
    this.maxPendingBytes = maxPendingBytes;
    this.context = context;
    this.id = id;
    this.user = user;
    this.ws = ws;
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
    if (closing.get()) {
      return;
    }
    // frames are mostly ASCII JSON: the char count is a cheap, close bound on the bytes
    long size = frame.length();
    if (pendingBytes.addAndGet(size) > maxPendingBytes) {
      close(CLOSE_SLOW_CONSUMER, "slow consumer: more than " + maxPendingBytes + " bytes waiting to be written");
      return;
    }
    if (context.isEventLoopContext() && io.vertx.core.Vertx.currentContext() == context) {
      ws.writeTextMessage(frame).onComplete(ar -> pendingBytes.addAndGet(-size));
    } else {
      context.runOnContext(v -> ws.writeTextMessage(frame).onComplete(ar -> pendingBytes.addAndGet(-size)));
    }
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
      context.runOnContext(v -> ws.writePing(io.vertx.core.buffer.Buffer.buffer("p")));
    }
  }

  public void close(short code, String reason) {
    if (closing.compareAndSet(false, true)) {
      log.info("closing connection {} of {}: {}", id, user.userId(), reason);
      context.runOnContext(v -> ws.close(code, reason));
    }
  }
}
