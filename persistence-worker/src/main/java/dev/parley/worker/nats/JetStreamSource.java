package dev.parley.worker.nats;

import dev.parley.worker.batch.Delivery;
import dev.parley.worker.batch.DeliverySource;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls from the shared durable consumer with jnats' simplified API. The client keeps about one
 * batch of entries requested ahead, so little sits in this process unacked where it would only
 * time out and be redelivered to another worker.
 */
public final class JetStreamSource implements DeliverySource {
  private static final Logger log = LoggerFactory.getLogger(JetStreamSource.class);

  private final IterableConsumer consumer;

  private JetStreamSource(IterableConsumer consumer) {
    this.consumer = consumer;
  }

  /** Starts pulling. Blocking (it talks to the server): call it off the event loop. */
  public static JetStreamSource start(ConsumerContext context, int batchMax) throws Exception {
    ConsumeOptions options = ConsumeOptions.builder().batchSize(Math.max(batchMax, 1)).build();
    return new JetStreamSource(context.iterate(options));
  }

  @Override
  public Delivery next(Duration timeout) throws InterruptedException {
    while (true) {
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

  @Override
  public void close() {
    consumer.stop();
    try {
      consumer.close();
    } catch (Exception e) {
      log.warn("Closing the persistence consumer failed: {}", e.toString());
    }
  }
}
