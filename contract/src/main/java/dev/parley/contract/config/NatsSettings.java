package dev.parley.contract.config;

import dev.parley.contract.Subjects;
import dev.parley.contract.stream.StreamPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where NATS is and how this deployment names things on it. Two deployments (or two test runs)
 * with different prefixes and stream names share a NATS server without seeing each other.
 */
public record NatsSettings(
    String url,
    String subjectPrefix,
    String streamName,
    Duration duplicateWindow,
    Duration streamMaxAge,
    int replicas,
    int partitions) {

  /** Most streams a deployment may spread its conversations over. */
  public static final int MAX_PARTITIONS = 64;

  /** Settings of a deployment with one stream. */
  public NatsSettings(
      String url,
      String subjectPrefix,
      String streamName,
      Duration duplicateWindow,
      Duration streamMaxAge,
      int replicas) {
    this(url, subjectPrefix, streamName, duplicateWindow, streamMaxAge, replicas, 1);
  }

  public static NatsSettings fromEnv(Env env) {
    String prefix = env.string("PARLEY_SUBJECT_PREFIX", "chat");
    if (!prefix.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
      throw new ConfigException(
          "PARLEY_SUBJECT_PREFIX="
              + prefix
              + " is not a NATS subject prefix: use letters, digits, '-', '_' and dots between tokens");
    }
    String stream = env.string("PARLEY_STREAM_NAME", defaultStreamName(prefix));
    if (!stream.matches("[A-Za-z0-9_-]+")) {
      throw new ConfigException(
          "PARLEY_STREAM_NAME="
              + stream
              + " is not a stream name: use letters, digits, '-' and '_'");
    }
    return new NatsSettings(
        env.string("PARLEY_NATS_URL", "nats://127.0.0.1:4222"),
        prefix,
        stream,
        env.duration("PARLEY_DEDUP_WINDOW", Duration.ofMinutes(2)),
        env.duration("PARLEY_STREAM_MAX_AGE", Duration.ofDays(7)),
        env.integer("PARLEY_STREAM_REPLICAS", 1, 1, 5),
        env.integer("PARLEY_STREAM_PARTITIONS", 1, 1, MAX_PARTITIONS));
  }

  public static String defaultStreamName(String prefix) {
    return prefix.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_-]", "_") + "_EVENTS";
  }

  public Subjects subjects() {
    return new Subjects(subjectPrefix, partitions);
  }

  /**
   * The stream of partition {@code index}: with one partition the stream keeps its name
   * ({@code PARLEY_STREAM_NAME}), with n each is that name and {@code _P<index>_OF_<n>}: the
   * streams of two counts never share a name, so those of another count are told apart by name.
   */
  public StreamPartition partition(int index) {
    if (index < 0 || index >= partitions) {
      throw new IllegalArgumentException(
          "partition " + index + " does not exist: there are " + partitions);
    }
    String name = partitions == 1 ? streamName : streamName + "_P" + index + "_OF_" + partitions;
    return new StreamPartition(index, name, subjects().streamWildcard(index));
  }

  /** Every partition, in index order. */
  public List<StreamPartition> partitionList() {
    List<StreamPartition> out = new ArrayList<>(partitions);
    for (int i = 0; i < partitions; i++) {
      out.add(partition(i));
    }
    return out;
  }

  /** The partition holding a conversation. */
  public StreamPartition partitionOf(String conversationId) {
    return partition(subjects().partitionOf(conversationId));
  }

  /** The URL may hold a user and password or a token: never printed. */
  @Override
  public String toString() {
    return "NatsSettings[url="
        + Secrets.redact(url)
        + ", subjectPrefix="
        + subjectPrefix
        + ", streamName="
        + streamName
        + ", duplicateWindow="
        + duplicateWindow
        + ", streamMaxAge="
        + streamMaxAge
        + ", replicas="
        + replicas
        + ", partitions="
        + partitions
        + "]";
  }
}
