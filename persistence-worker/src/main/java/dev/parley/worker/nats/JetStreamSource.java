package dev.parley.worker.nats;

import dev.parley.worker.batch.Delivery;
import dev.parley.worker.batch.DeliverySource;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls from a durable consumer with jnats' simplified API. The client keeps about one batch of
 * entries requested ahead, so little sits in this process unacked where it would only time out and
 * be redelivered to another worker.
 *
 * <p>A pull request lives on the server: when the connection drops (a restarted nats-server), it
 * is gone, and the client would only notice through its idle-heartbeat alarm (three missed
 * heartbeats, 45 s with the default 30 s pull expiry) and then bind again once; if that bind meets
 * a JetStream still recovering, another 45 s. So this source does not wait for the client: once
 * the connection is not up, or has been re-established since the source opened, {@link #next}
 * fails, and its owner opens a new one (see {@link ReopeningSource}) with its own bounded backoff.
 */
public final class JetStreamSource implements DeliverySource {
  private static final Logger log = LoggerFactory.getLogger(JetStreamSource.class);

  /**
   * How long one pull request lives on the server. Shorter than the client's default (30 s), so
   * its heartbeat alarm, the last line of defence for a pull lost without a reconnect, fires
   * within 3 × 5 s.
   */
  static final Duration PULL_EXPIRY = Duration.ofSeconds(10);

  private final Connection nats;
  private final IterableConsumer consumer;
  private final long reconnectsAtStart;

  private JetStreamSource(Connection nats, IterableConsumer consumer, long reconnectsAtStart) {
    this.nats = nats;
    this.consumer = consumer;
    this.reconnectsAtStart = reconnectsAtStart;
  }

  /**
   * Binds to the consumer and starts pulling. Blocking (it talks to the server): call it off the
   * event loop. Fails when NATS is not connected, or JetStream does not answer or lacks the
   * consumer.
   */
  public static JetStreamSource start(Connection nats, ConsumerContext context, int batchMax)
      throws Exception {
    long reconnects = nats.getStatistics().getReconnects();
    requireConnected(nats);
    // Asked first so that a JetStream still recovering fails here, plainly, rather than inside the
    // client's subscribe (which swallows the error and leaves the pull to its heartbeat alarm).
    context.getConsumerInfo();
    ConsumeOptions options =
        ConsumeOptions.builder()
            .batchSize(Math.max(batchMax, 1))
            .expiresIn(PULL_EXPIRY.toMillis())
            .build();
    return new JetStreamSource(nats, context.iterate(options), reconnects);
  }

  @Override
  public Delivery next(Duration timeout) throws InterruptedException {
    while (true) {
      requireSameConnection();
      Message m;
      try {
        m = consumer.nextMessage(timeout);
      } catch (JetStreamStatusCheckedException e) {
        throw new IllegalStateException("pulling from the stream failed: " + e.getMessage(), e);
      }
      if (m == null) {
        return null;
      }
      if (m.isJetStream()) {
        return new NatsDelivery(m);
      }
      // status and heartbeat messages are the client's business; keep waiting for a real entry
      log.debug("Ignoring non-stream message on {}", m.getSubject());
    }
  }

  private void requireSameConnection() {
    requireConnected(nats);
    if (nats.getStatistics().getReconnects() != reconnectsAtStart) {
      throw new IllegalStateException(
          "NATS reconnected since this pull began; its pull request died with the old connection");
    }
  }

  /** Fails at once, without a request that would only time out, when NATS is not connected. */
  public static void requireConnected(Connection nats) {
    Connection.Status status = nats.getStatus();
    if (status != Connection.Status.CONNECTED) {
      throw new IllegalStateException("NATS is " + status);
    }
  }

  @Override
  public void close() {
    consumer.stop();
    try {
      consumer.close();
    } catch (Exception e) {
      log.warn("Closing the consumer failed: {}", e.toString());
    }
  }
}
