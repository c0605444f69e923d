package dev.parley.worker.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Everything a persistence worker reads from its environment, validated once at start.
 *
 * @param batchMax most stream entries in one batch
 * @param writeLanes transactions a batch is split into, by conversation, written at once
 * @param batchWait how long a batch stays open after its first entry before it is stored anyway
 * @param ackWait how long the stream waits for an ack before redelivering (set on the consumer when
 *     this worker creates it)
 * @param maxAckPending most entries handed out and not yet acked across all workers
 * @param relay the relay to the integrators' subjects
 * @param pgStartupWait how long a starting worker keeps trying to reach Postgres for its schema check
 * @param pgConnectTimeout longest wait for a new Postgres connection, and for a pooled one
 * @param partitions the stream partitions this worker stores (all by default); workers given the
 *     same partition share its consumer
 */
public record WorkerConfig(
    PostgresSettings postgres,
    NatsSettings nats,
    int batchMax,
    int writeLanes,
    Duration batchWait,
    Duration ackWait,
    int maxAckPending,
    String httpHost,
    int httpPort,
    String nodeId,
    Relay relay,
    Duration pgStartupWait,
    Duration pgConnectTimeout,
    List<Integer> partitions) {

  /**
   * The relay that publishes every stream entry to {@code <prefix>.conv.<id>.events}.
   *
   * @param enabled whether this worker takes part (one worker relays at a time; the others stand by)
   * @param batchMax most entries published per batch (one flush, one ack, one Postgres round trip)
   */
  public record Relay(boolean enabled, int batchMax) {}

  public WorkerConfig {
    if (batchWait.isZero() || batchWait.isNegative()) {
      throw new ConfigException(
          "PARLEY_WORKER_BATCH_WAIT=" + batchWait.toMillis() + "ms must be positive");
    }
    if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(
          "PARLEY_WORKER_ACK_WAIT=" + ackWait.toMillis() + "ms is too short: use at least 1s");
    }
    if (batchWait.compareTo(ackWait) >= 0) {
      throw new ConfigException(
          "PARLEY_WORKER_BATCH_WAIT="
              + batchWait.toMillis()
              + "ms must be shorter than"
              + " PARLEY_WORKER_ACK_WAIT="
              + ackWait.toMillis()
              + "ms: entries of an open batch would be redelivered");
    }
    if (pgConnectTimeout.isZero()) {
      throw new ConfigException("PARLEY_PG_CONNECT_TIMEOUT must be longer than zero");
    }
    if (writeLanes > postgres.poolSize()) {
      throw new ConfigException(
          "PARLEY_WORKER_WRITE_LANES="
              + writeLanes
              + " is above PARLEY_PG_POOL_SIZE="
              + postgres.poolSize()
              + ": each lane needs a connection of its own");
    }
    if (partitions.isEmpty()) {
      throw new ConfigException("PARLEY_WORKER_PARTITIONS names no partition");
    }
    if (maxAckPending < batchMax) {
      throw new ConfigException(
          "PARLEY_WORKER_MAX_ACK_PENDING="
              + maxAckPending
              + " is below PARLEY_WORKER_BATCH_MAX="
              + batchMax
              + ": a batch could never fill");
    }
  }

  /**
   * Names the worker read before every process used the same one; still read (the current name
   * wins), with a warning at start.
   */
  /** Lanes when unset (fewer when the pool is smaller): two overlap one batch's round trips. */
  static final int DEFAULT_WRITE_LANES = 2;

  public static final Map<String, String> FORMER_NAMES =
      Map.of(
          "PARLEY_WORKER_HTTP_HOST", "PARLEY_HTTP_HOST",
          "PARLEY_WORKER_HTTP_PORT", "PARLEY_HTTP_PORT");

  public static WorkerConfig fromEnv(Env environment) {
    Env env = environment.withFormerNames(FORMER_NAMES);
    PostgresSettings postgres = PostgresSettings.fromEnv(env);
    NatsSettings nats = NatsSettings.fromEnv(env);
    return new WorkerConfig(
        postgres,
        nats,
        env.integer("PARLEY_WORKER_BATCH_MAX", 500, 1, 10_000),
        // Unset, it follows a smaller pool down rather than refusing to start; set, it is checked.
        env.integer(
            "PARLEY_WORKER_WRITE_LANES", Math.min(DEFAULT_WRITE_LANES, postgres.poolSize()), 1, 16),
        env.duration("PARLEY_WORKER_BATCH_WAIT", Duration.ofMillis(10)),
        env.duration("PARLEY_WORKER_ACK_WAIT", Duration.ofSeconds(30)),
        env.integer("PARLEY_WORKER_MAX_ACK_PENDING", 10_000, 1, 1_000_000),
        env.string("PARLEY_HTTP_HOST", "0.0.0.0"),
        env.integer("PARLEY_HTTP_PORT", 8090, 0, 65535),
        env.optional("PARLEY_NODE_ID").orElseGet(WorkerConfig::defaultNodeId),
        new Relay(
            env.bool("PARLEY_RELAY_ENABLED", true),
            env.integer("PARLEY_RELAY_BATCH_MAX", 256, 1, 10_000)),
        env.duration("PARLEY_PG_STARTUP_WAIT", Duration.ofSeconds(60)),
        env.duration("PARLEY_PG_CONNECT_TIMEOUT", Duration.ofSeconds(5)),
        partitions(env, nats.partitions()));
  }

  /**
   * {@code PARLEY_WORKER_PARTITIONS}: a comma-separated list of partition indexes (0-based, below
   * {@code PARLEY_STREAM_PARTITIONS}), or unset for all of them.
   */
  static List<Integer> partitions(Env env, int count) {
    String listed = env.optional("PARLEY_WORKER_PARTITIONS").orElse("").trim();
    if (listed.isEmpty()) {
      return IntStream.range(0, count).boxed().toList();
    }
    Set<Integer> out = new TreeSet<>();
    for (String item : listed.split(",")) {
      int index;
      try {
        index = Integer.parseInt(item.trim());
      } catch (NumberFormatException e) {
        index = -1;
      }
      if (index < 0 || index >= count) {
        throw new ConfigException(
            "PARLEY_WORKER_PARTITIONS="
                + listed
                + ": '"
                + item.trim()
                + "' is not a partition; with PARLEY_STREAM_PARTITIONS="
                + count
                + " they are 0.."
                + (count - 1));
      }
      out.add(index);
    }
    return List.copyOf(out);
  }

  /** {@code worker-<hostname>-<pid>}: unique per process, readable in NATS connection lists and logs. */
  static String defaultNodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
    return "worker-" + host + "-" + ProcessHandle.current().pid();
  }
}
