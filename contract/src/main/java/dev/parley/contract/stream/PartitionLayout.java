package dev.parley.contract.stream;

import dev.parley.contract.config.NatsSettings;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a change of {@code PARLEY_STREAM_PARTITIONS} from losing order or messages. Every stream
 * of a deployment captures subjects under {@code <prefix>.stream.}, so a process finds them all
 * with one request, and those not named by its own setting belong to another partition count.
 * Such a stream with entries the persistence workers have not stored means processes with the
 * other count are (or were) still writing: starting would split conversations over two orders, so
 * the process refuses. A fully stored one is the previous layout, left behind after a switch: the
 * new streams start numbering after its last sequence, so every conversation's seq keeps rising.
 * The procedure is in docs/scaling.md ("Changing the number of partitions").
 */
public final class PartitionLayout {
  private static final Logger log = LoggerFactory.getLogger(PartitionLayout.class);

  private PartitionLayout() {}

  /** Thrown when streams of another partition count still hold unstored entries. */
  public static final class MismatchException extends IllegalStateException {
    MismatchException(String message) {
      super(message);
    }
  }

  /**
   * What a process found of the deployment's streams.
   *
   * @param highest the highest last sequence of all of them: a stream created now starts after it
   * @param highestOther the highest last sequence of those of another partition count, and the
   *     first such stream's name: a stream of ours that already exists must not end below it
   */
  record Found(long highest, long highestOther, String other) {}

  /**
   * Checks the deployment's streams against the configured partitions.
   *
   * @throws MismatchException when a stream of another partition count holds unstored entries
   */
  static Found check(JetStreamManagement jsm, NatsSettings nats)
      throws IOException, JetStreamApiException {
    Set<String> ours = new HashSet<>();
    nats.partitionList().forEach(p -> ours.add(p.streamName()));
    List<String> found = jsm.getStreamNames(nats.subjects().allStreamSubjects());
    long highest = 0;
    long highestOther = 0;
    String other = null;
    for (String name : found) {
      StreamInfo info = jsm.getStreamInfo(name);
      long last = info.getStreamState().getLastSequence();
      highest = Math.max(highest, last);
      if (ours.contains(name)) {
        continue;
      }
      if (last > highestOther) {
        highestOther = last;
        other = name;
      }
      long stored = storedThrough(jsm, name);
      if (stored < last && info.getStreamState().getMsgCount() > 0) {
        throw new MismatchException(
            "PARLEY_STREAM_PARTITIONS="
                + nats.partitions()
                + " spreads conversations over "
                + describe(nats)
                + ", but stream "
                + name
                + " (another number of partitions, on "
                + info.getConfiguration().getSubjects()
                + ") holds entries up to seq "
                + last
                + " that the persistence workers have stored only up to "
                + stored
                + ". Every process must run with the same PARLEY_STREAM_PARTITIONS: stop the"
                + " gateways, let the workers of the old setting store everything, then start all"
                + " processes with the new one (docs/scaling.md, \"Changing the number of"
                + " partitions\").");
      }
      log.warn(
          "Stream {} belongs to another number of partitions and is fully stored (up to seq {});"
              + " new streams start after it. Remove it once every process runs with"
              + " PARLEY_STREAM_PARTITIONS={} (nats stream rm {})",
          name,
          last,
          nats.partitions(),
          name);
    }
    return new Found(highest, highestOther, other);
  }

  /**
   * Refuses a stream of ours that existed before and ends below a stream of another partition
   * count (the deployment went back to an earlier count): a conversation that lived in the other
   * one would be given smaller seqs here.
   */
  static void requireNotBehind(StreamPartition partition, long last, Found found) {
    if (last < found.highestOther()) {
      throw new MismatchException(
          "stream "
              + partition.streamName()
              + " ends at seq "
              + last
              + ", below seq "
              + found.highestOther()
              + " of stream "
              + found.other()
              + " (another number of partitions): conversations written there would get smaller"
              + " seqs here. "
              + partition.streamName()
              + "'s entries are stored: remove it (nats stream rm "
              + partition.streamName()
              + ") and start again; it is created anew, numbering after "
              + found.highestOther()
              + " (docs/scaling.md, \"Changing the number of partitions\").");
    }
  }

  /**
   * Makes a stream just created number its first entry {@code after + 1}: a purge up to a sequence
   * past the end moves an empty stream's first sequence there (nats-server 2.9 and later).
   */
  static void startAfter(JetStreamManagement jsm, StreamPartition partition, long after)
      throws IOException, JetStreamApiException {
    if (after <= 0) {
      return;
    }
    jsm.purgeStream(partition.streamName(), PurgeOptions.builder().sequence(after + 1).build());
    log.info("Stream {} numbers its entries from seq {}", partition.streamName(), after + 1);
  }

  private static long storedThrough(JetStreamManagement jsm, String stream)
      throws IOException, JetStreamApiException {
    ConsumerInfo persistence = StreamLayout.find(jsm, stream, StreamLayout.PERSISTENCE_CONSUMER);
    return persistence == null ? 0 : persistence.getAckFloor().getStreamSequence();
  }

  private static String describe(NatsSettings nats) {
    return nats.partitions() == 1
        ? "stream " + nats.streamName()
        : "streams "
            + nats.partition(0).streamName()
            + ".."
            + nats.partition(nats.partitions() - 1).streamName();
  }
}
