package dev.parley.worker.nats;

import dev.parley.worker.batch.Delivery;
import dev.parley.worker.batch.DeliverySource;
import java.time.Duration;

/**
 * The persistence consumer's pull, opened again whenever it failed. A failure of {@link #next}
 * (NATS down, reconnected, JetStream not answering) closes the pull in hand and is passed on, so
 * the fetch loop backs off and says so; its next call opens a new one. Entries handed out before
 * stay valid: acks go by reply subject, whichever pull delivered them. Fetch thread only.
 */
public final class ReopeningSource implements DeliverySource {

  /** Opens a pull; blocking, and failing plainly when NATS or JetStream is not there. */
  @FunctionalInterface
  public interface Opener {
    JetStreamSource open() throws Exception;
  }

  private final Opener opener;
  private JetStreamSource current;

  /** @param first the pull opened at start (so start fails when it cannot be opened) */
  public ReopeningSource(JetStreamSource first, Opener opener) {
    this.current = first;
    this.opener = opener;
  }

  @Override
  public Delivery next(Duration timeout) throws InterruptedException {
    if (current == null) {
      current = open();
    }
    try {
      return current.next(timeout);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private JetStreamSource open() throws InterruptedException {
    try {
      return opener.open();
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("binding to the consumer failed: " + e, e);
    }
  }

  @Override
  public void close() {
    if (current != null) {
      JetStreamSource closing = current;
      current = null;
      closing.close();
    }
  }
}
