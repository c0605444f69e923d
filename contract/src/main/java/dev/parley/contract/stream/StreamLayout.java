package dev.parley.contract.stream;

import dev.parley.contract.config.NatsSettings;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream (one per partition, see {@link PartitionLayout}) and its two durable consumers,
 * declared once. Gateways and workers call {@link #ensureStream} at start (workers also {@link #ensurePersistenceConsumer}, and the relay {@link
 * #ensureIntegratorsConsumer}); each creates what is missing, and the stream is updated where its
 * settings drifted, so start order does not matter.
 * These calls block: run them off the event loop.
 */
public final class StreamLayout {
  /** The durable pull consumer the persistence workers share. */
  public static final String PERSISTENCE_CONSUMER = "persistence";

  /**
   * The durable pull consumer of the relay that feeds {@code <p>.conv.<id>.events}. Only the
   * worker holding the relay lease pulls from it, so it is read in stream order; acking an entry
   * acks everything before it ({@link AckPolicy#All}), so its ack floor is "relayed up to here".
   */
  public static final String INTEGRATORS_CONSUMER = "integrators";

  private static final Logger log = LoggerFactory.getLogger(StreamLayout.class);

  private StreamLayout() {}

  public static StreamConfiguration streamConfiguration(
      NatsSettings nats, StreamPartition partition) {
    var subjects = nats.subjects();
    return StreamConfiguration.builder()
        .name(partition.streamName())
        .subjects(partition.subjects())
        .storageType(StorageType.File)
        .replicas(nats.replicas())
        .duplicateWindow(nats.duplicateWindow())
        .maxAge(nats.streamMaxAge())
        .republish(
            Republish.builder()
                .source(partition.subjects())
                .destination(subjects.republishDestination())
                .build())
        .build();
  }

  public static ConsumerConfiguration persistenceConsumer(Duration ackWait, int maxAckPending) {
    return ConsumerConfiguration.builder()
        .durable(PERSISTENCE_CONSUMER)
        .ackPolicy(AckPolicy.Explicit)
        .deliverPolicy(DeliverPolicy.All)
        .ackWait(ackWait)
        .maxAckPending(maxAckPending)
        .build();
  }

  /**
   * The relay's consumer, starting at {@code startSequence}. The start is explicit (not
   * {@code DeliverPolicy.New}) because the relay reads it back: a fresh consumer reports an ack
   * floor of 0, and only the configured start tells it where relaying begins.
   */
  public static ConsumerConfiguration integratorsConsumer(
      long startSequence, Duration ackWait, int maxAckPending) {
    return ConsumerConfiguration.builder()
        .durable(INTEGRATORS_CONSUMER)
        .ackPolicy(AckPolicy.All)
        .deliverPolicy(DeliverPolicy.ByStartSequence)
        .startSequence(Math.max(1, startSequence))
        .ackWait(ackWait)
        .maxAckPending(maxAckPending)
        .build();
  }

  /**
   * Creates or updates every partition's stream, once {@link PartitionLayout} has checked that no
   * stream of another partition count still holds entries the workers have not stored. A stream
   * created now starts after the highest sequence of the deployment's other streams, so a
   * conversation's seq keeps rising when the number of partitions changes.
   */
  public static void ensureStream(JetStreamManagement jsm, NatsSettings nats)
      throws IOException, JetStreamApiException {
    PartitionLayout.Found found = PartitionLayout.check(jsm, nats);
    for (StreamPartition partition : nats.partitionList()) {
      ensureStream(jsm, nats, partition, found);
    }
  }

  private static StreamInfo ensureStream(
      JetStreamManagement jsm,
      NatsSettings nats,
      StreamPartition partition,
      PartitionLayout.Found found)
      throws IOException, JetStreamApiException {
    StreamConfiguration wanted = streamConfiguration(nats, partition);
    try {
      StreamInfo info = jsm.getStreamInfo(partition.streamName());
      PartitionLayout.requireNotBehind(partition, info.getStreamState().getLastSequence(), found);
      List<String> drifted = drift(info.getConfiguration(), wanted);
      if (!drifted.isEmpty()) {
        log.info(
            "Updating stream {} to the configured layout: {}",
            partition.streamName(),
            String.join(", ", drifted));
        return jsm.updateStream(wanted);
      }
      return info;
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() != 404) {
        throw e;
      }
      log.info("Creating stream {} on {}", partition.streamName(), partition.subjects());
      StreamInfo created = jsm.addStream(wanted);
      PartitionLayout.startAfter(jsm, partition, found.highest());
      return created;
    }
  }

  /**
   * The settings in which a stream as it is differs from the configured one, each as {@code name
   * have -> wanted}; empty when it needs no update. Replicas are among them, so raising
   * {@code PARLEY_STREAM_REPLICAS} on a grown NATS cluster takes effect at the next start.
   */
  static List<String> drift(StreamConfiguration have, StreamConfiguration wanted) {
    List<String> drifted = new ArrayList<>();
    compare(drifted, "subjects", have.getSubjects(), wanted.getSubjects());
    compare(drifted, "duplicate window", have.getDuplicateWindow(), wanted.getDuplicateWindow());
    compare(drifted, "max age", have.getMaxAge(), wanted.getMaxAge());
    compare(drifted, "replicas", have.getReplicas(), wanted.getReplicas());
    return drifted;
  }

  private static void compare(List<String> into, String name, Object have, Object wanted) {
    if (!Objects.equals(have, wanted)) {
      into.add(name + " " + have + " -> " + wanted);
    }
  }

  /** Creates the persistence consumer if missing (an existing one keeps its position). */
  public static void ensurePersistenceConsumer(
      JetStreamManagement jsm, String streamName, Duration ackWait, int maxAckPending)
      throws IOException, JetStreamApiException {
    if (find(jsm, streamName, PERSISTENCE_CONSUMER) == null) {
      log.info("Creating durable consumer {} on stream {}", PERSISTENCE_CONSUMER, streamName);
      jsm.addOrUpdateConsumer(streamName, persistenceConsumer(ackWait, maxAckPending));
    }
  }

  /**
   * Creates the relay's consumer if missing, starting after the stream's last entry: integrators
   * get what is written from now on, not the stream's whole retained history. An existing consumer
   * keeps its position (it resumes where relaying stopped). Two workers creating it at once is
   * harmless: the loser finds it there.
   *
   * @return the consumer as it is now (its positions tell a new relay where to resume)
   */
  public static ConsumerInfo ensureIntegratorsConsumer(
      JetStreamManagement jsm, String streamName, Duration ackWait, int maxAckPending)
      throws IOException, JetStreamApiException {
    ConsumerInfo existing = find(jsm, streamName, INTEGRATORS_CONSUMER);
    if (existing != null) {
      return existing;
    }
    long last = jsm.getStreamInfo(streamName).getStreamState().getLastSequence();
    log.info(
        "Creating durable consumer {} on stream {} from seq {}",
        INTEGRATORS_CONSUMER,
        streamName,
        last + 1);
    try {
      return jsm.addOrUpdateConsumer(
          streamName, integratorsConsumer(last + 1, ackWait, maxAckPending));
    } catch (JetStreamApiException e) {
      // another worker created it meanwhile (with its own start): keep that one
      return jsm.getConsumerInfo(streamName, INTEGRATORS_CONSUMER);
    }
  }

  /** The durable consumer, or null when it does not exist (any answer but "not found" is an error). */
  static ConsumerInfo find(JetStreamManagement jsm, String stream, String consumer)
      throws IOException, JetStreamApiException {
    try {
      return jsm.getConsumerInfo(stream, consumer);
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() != 404) {
        throw e;
      }
      return null;
    }
  }
}
