package dev.parley.worker.relay;

import dev.parley.worker.batch.Delivery;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * What the previous relay left: the entries the {@code integrators} consumer handed out and never
 * saw acked, between its ack floor ({@code after}) and its delivered position ({@code upTo}). A new
 * term reads them straight from the stream and relays them before pulling anything: the server
 * would hand out newer entries first and redeliver these only after their ack wait, out of order.
 * Blocking: relay thread only.
 */
record Leftovers(JetStreamManagement jsm, String streamName, long after, long upTo) {

  /** @param info the {@code integrators} consumer as the new term found it */
  static Leftovers of(JetStreamManagement jsm, String streamName, ConsumerInfo info) {
    ConsumerConfiguration config = info.getConsumerConfiguration();
    long acked = info.getAckFloor().getStreamSequence();
    long delivered = info.getDelivered().getStreamSequence();
    // A consumer that never acked reports a floor of 0; its configured start says where it began.
    long after =
        config.getDeliverPolicy() == DeliverPolicy.ByStartSequence
            ? Math.max(acked, config.getStartSequence() - 1)
            : (acked == 0 ? delivered : acked);
    return new Leftovers(jsm, streamName, after, Math.max(after, delivered));
  }

  long count() {
    return upTo - after;
  }

  /** Entries {@code from..to} as stored; one that aged out or was deleted is simply absent. */
  List<Delivery> read(long from, long to) throws Exception {
    List<Delivery> entries = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      try {
        MessageInfo m = jsm.getMessage(streamName, seq);
        entries.add(
            new StoredEntry(
                streamName,
                m.getSeq(),
                m.getSubject(),
                m.getData() == null ? new byte[0] : m.getData()));
      } catch (JetStreamApiException e) {
        if (e.getErrorCode() != 404) {
          throw e;
        }
      }
    }
    return entries;
  }
}
