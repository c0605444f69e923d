package dev.parley.worker.nats;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces a reconnect when JetStream has not answered this connection for a while although the
 * connection says it is up. After a nats-server restart a client connection was seen, rarely, to
 * reconnect and then get no reply to any JetStream request while a fresh connection to the same
 * server was answered at once; waiting does not end that, a new socket does. Fetch thread only.
 */
public final class SilenceBreaker {
  private static final Logger log = LoggerFactory.getLogger(SilenceBreaker.class);

  /** Opens a new socket on the same connection: subscriptions and requests are re-sent on it. */
  @FunctionalInterface
  public interface Reconnect {
    void now() throws Exception;
  }

  private final Supplier<Connection.Status> status;
  private final Reconnect reconnect;
  private final Duration patience;
  private final LongSupplier nanoClock;
  private long silentSince = -1;

  public SilenceBreaker(
      Supplier<Connection.Status> status,
      Reconnect reconnect,
      Duration patience,
      LongSupplier nanoClock) {
    this.status = status;
    this.reconnect = reconnect;
    this.patience = patience;
    this.nanoClock = nanoClock;
  }

  /** For a real connection: {@link Connection#forceReconnect()}. */
  public static SilenceBreaker of(Connection nats, Duration patience) {
    return new SilenceBreaker(nats::getStatus, nats::forceReconnect, patience, System::nanoTime);
  }

  /** A JetStream request was answered (with anything, an error included). */
  public void answered() {
    silentSince = -1;
  }

  /**
   * A JetStream request got no answer in time. Silence counts only while the connection is up: a
   * connection that is down or reconnecting is the client library's to bring back.
   *
   * @return whether this call forced a reconnect
   */
  public boolean noAnswer() throws InterruptedException {
    if (status.get() != Connection.Status.CONNECTED) {
      silentSince = -1;
      return false;
    }
    long now = nanoClock.getAsLong();
    if (silentSince < 0) {
      silentSince = now;
      return false;
    }
    if (now - silentSince < patience.toNanos()) {
      return false;
    }
    silentSince = -1;
    log.warn(
        "JetStream has not answered for {} s although NATS is connected; forcing a reconnect",
        patience.toSeconds());
    try {
      reconnect.now();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      log.warn("Forcing a NATS reconnect failed: {}", e.toString());
    }
    return true;
  }
}
