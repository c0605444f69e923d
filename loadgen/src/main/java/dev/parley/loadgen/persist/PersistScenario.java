package dev.parley.loadgen.persist;

import dev.parley.contract.config.NatsSettings;
import dev.parley.loadgen.RunSettings;
import dev.parley.loadgen.Scenario;
import dev.parley.loadgen.ScenarioResult;
import dev.parley.loadgen.ServerProcesses;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What the persistence worker sustains. (a) Throughput: a backlog of {@code messages} drafts is
 * written into the stream while the worker is paused (SIGSTOP; {@code pause=false} lets it run
 * and only the part left after publishing counts), then timed from its release until the
 * persistence consumer's ack floor passes the last one. (b) Lag: drafts at a fixed {@code rate}
 * for {@code seconds}; each one's lag is the time the ack floor passed it minus the time it was
 * sent. The drafts are the gateway's own (same subject, JSON and de-duplication id), sent
 * straight to JetStream so the gateways' cost stays out of the figure; their conversations and
 * senders are created in Postgres first. Afterwards the run's rows are counted: exactly every
 * draft, once.
 */
public final class PersistScenario implements Scenario {
  static final double TARGET_PER_SECOND = 50_000;
  static final double TARGET_LAG_P99_MS = 1_000;

  @Override
  public String name() {
    return "persist";
  }

  @Override
  public String usage() {
    return "persist    messages/s one worker stores from a backlog, and its lag at a fixed rate"
        + " (messages=100000 conversations=200 warmup=20000 pause=true rate=5000 seconds=30"
        + " in_flight=4000 floor_poll=20ms partitions=PARLEY_STREAM_PARTITIONS)";
  }

  @Override
  public ScenarioResult run(RunSettings settings) throws Exception {
    long workerPid = workerPid(settings.root());
    int messages = settings.integer("messages", 100_000);
    int conversationCount = settings.integer("conversations", 200);
    int warmup = settings.integer("warmup", 20_000);
    boolean pause = Boolean.parseBoolean(settings.text("pause", "true"));
    int rate = settings.integer("rate", 5_000);
    Duration seconds = settings.duration("seconds", Duration.ofSeconds(30));
    int inFlight = settings.integer("in_flight", 4_000);
    Duration floorPoll = settings.duration("floor_poll", Duration.ofMillis(20));

    ScenarioResult result = new ScenarioResult();
    WorkerMetrics metrics = new WorkerMetrics(settings.workerUrl());
    String tag = "persist-" + Long.toString(System.currentTimeMillis(), 36);
    Vertx vertx = Vertx.vertx();
    Options options =
        new Options.Builder().server(settings.natsUrl()).connectionName("loadgen-" + tag).build();
    try (Connection nats = Nats.connect(options);
        PersistFixture fixture =
            PersistFixture.create(vertx, pgOptions(settings), tag, conversationCount)) {
      JetStreamManagement jsm = nats.jetStreamManagement();
      NatsSettings layout = layout(settings);
      StreamFiller filler =
          new StreamFiller(
              nats.jetStream(), layout.subjects(), layout, fixture.conversations(), tag, inFlight);
      result.figure("partitions", layout.partitions());
      try (Floors floor = new Floors(jsm, layout, floorPoll)) {
        // warm-up: the worker's JIT and Postgres' caches, not measured
        filler.fill(warmup);
        requireStored(floor, filler, Duration.ofMinutes(2), "warm-up");

        // found after the warm-up: the worker's pooled Postgres sessions are open by then
        ServerProcesses processes =
            ServerProcesses.find(settings.root()).only("worker", "postgres");
        backlog(result, settings, filler, floor, processes, metrics, workerPid, messages, pause);
        steady(result, filler, floor, processes, metrics, rate, seconds);

        long expected = (long) warmup + messages + (long) rate * seconds.toMillis() / 1000;
        long stored = fixture.storedCount();
        result.figure("rows_stored", stored).figure("rows_expected", expected);
        if (stored != expected) {
          result.note(
              "the run's conversations hold "
                  + stored
                  + " rows for "
                  + expected
                  + " drafts: each should be stored exactly once");
        }
        if (floor.failure() != null) {
          result.note("reading the ack floor failed at times: " + floor.failure());
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return result;
  }

  private static void backlog(
      ScenarioResult result,
      RunSettings settings,
      StreamFiller filler,
      Floors floor,
      ServerProcesses processes,
      WorkerMetrics metrics,
      long workerPid,
      int messages,
      boolean pause)
      throws Exception {
    long fillStart = System.nanoTime();
    if (pause) {
      signal(workerPid, "STOP");
    }
    try {
      filler.fill(messages);
    } finally {
      if (pause) {
        signal(workerPid, "CONT");
      }
    }
    double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
    long t0 = System.nanoTime();
    long drained = 0;
    for (int i = 0; i < floor.partitions(); i++) {
      drained += filler.highestSeq(i) - floor.read(i);
    }
    Map<String, Double> cpu0 = processes.cpuSeconds();
    Map<String, Double> m0 = metrics.read();
    requireStored(floor, filler, Duration.ofMinutes(10), "backlog");
    double took = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> cpu1 = processes.cpuSeconds();
    Map<String, Double> m1 = metrics.read();

    double perSecond = drained / took;
    JsonObject cpu = ServerProcesses.spent(cpu0, cpu1);
    result
        .figure("backlog_messages", messages)
        .figure("backlog_publish_per_s", Math.round(messages / fillSeconds))
        .figure("backlog_drained", drained)
        .figure("backlog_seconds", round(took))
        .figure("stored_per_s", Math.round(perSecond))
        .figure("backlog_worker_cpu_us_per_msg", perMessage(cpu, "worker", drained))
        .figure("backlog_postgres_cpu_us_per_msg", perMessage(cpu, "postgres", drained))
        .detail("backlog_cpu_seconds", cpu)
        .detail("backlog_batches", batches(m0, m1))
        .target(
            "messages/s stored by one worker", "stored_per_s", perSecond, false, TARGET_PER_SECOND);
    if (drained < messages / 2) {
      result.note(
          "only "
              + drained
              + " of the backlog's "
              + messages
              + " entries were left when timing began: the publisher, not the worker, set the pace");
    }
  }

  private static void steady(
      ScenarioResult result,
      StreamFiller filler,
      Floors floor,
      ServerProcesses processes,
      WorkerMetrics metrics,
      int rate,
      Duration seconds)
      throws Exception {
    Map<String, Double> cpu0 = processes.cpuSeconds();
    Map<String, Double> m0 = metrics.read();
    filler.recordSendTimes(true);
    long behind = filler.paced(rate, seconds);
    filler.recordSendTimes(false);
    requireStored(floor, filler, Duration.ofMinutes(2), "steady rate");
    Map<String, Double> cpu1 = processes.cpuSeconds();
    Map<String, Double> m1 = metrics.read();

    long[] missing = {0};
    Histogram lags = floor.lags(filler, missing);
    long sent = lags.getTotalCount() + missing[0];
    JsonObject cpu = ServerProcesses.spent(cpu0, cpu1);
    double p99 = lags.getValueAtPercentile(99) / 1000.0;
    result
        .figure("lag_rate_per_s", rate)
        .figure("lag_p50_ms", lags.getValueAtPercentile(50) / 1000.0)
        .figure("lag_p99_ms", p99)
        .figure("lag_max_ms", lags.getMaxValue() / 1000.0)
        .figure("lag_worker_cpu_us_per_msg", perMessage(cpu, "worker", sent))
        .figure("lag_postgres_cpu_us_per_msg", perMessage(cpu, "postgres", sent))
        .detail("lag_cpu_seconds", cpu)
        .detail("lag_batches", batches(m0, m1))
        .target("consumer lag p99 at the fixed rate", "lag_p99_ms", p99, true, TARGET_LAG_P99_MS);
    if (behind > 50) {
      result.limitedBy("the publisher fell up to " + behind + " ms behind its schedule");
    }
  }

  /** Batch figures from the worker's /metrics between two readings. */
  private static JsonObject batches(Map<String, Double> before, Map<String, Double> after) {
    double count = WorkerMetrics.delta(before, after, "parley_worker_batch_size_count");
    double sum = WorkerMetrics.delta(before, after, "parley_worker_batch_size_sum");
    double seconds = WorkerMetrics.delta(before, after, "parley_worker_batch_latency_seconds_sum");
    return new JsonObject()
        .put("batches", Math.round(count))
        .put("mean_size", count == 0 ? 0 : round(sum / count))
        .put("max_size_recent", after.getOrDefault("parley_worker_batch_size_max", 0.0))
        .put("mean_latency_ms", count == 0 ? 0 : round(seconds / count * 1000));
  }

  private static void requireStored(Floors floor, StreamFiller filler, Duration limit, String what)
      throws Exception {
    if (!floor.awaitStored(filler, limit, System::nanoTime)) {
      List<Long> wanted = new ArrayList<>();
      for (int i = 0; i < floor.partitions(); i++) {
        wanted.add(filler.highestSeq(i));
      }
      throw new IllegalStateException(
          what
              + ": the persistence consumers' ack floors did not reach "
              + wanted
              + " within "
              + limit.toSeconds()
              + " s (they stand at "
              + floor.describe()
              + "): is the worker storing?");
    }
  }

  /**
   * The cluster's streams: {@code partitions=} when given, else {@code PARLEY_STREAM_PARTITIONS}
   * as the bench script passed it to the cluster (the two must agree: the drafts go where the
   * gateways would put them).
   */
  private static NatsSettings layout(RunSettings settings) {
    int partitions = settings.integer("partitions", settings.partitions());
    if (partitions != settings.partitions()) {
      throw new IllegalStateException(
          "partitions="
              + partitions
              + " but the cluster runs with PARLEY_STREAM_PARTITIONS="
              + settings.partitions()
              + ": run it as scripts/bench.sh one persist partitions="
              + partitions
              + ", which starts the cluster so");
    }
    return new NatsSettings(
        settings.natsUrl(),
        settings.subjectPrefix(),
        settings.streamName(),
        Duration.ofMinutes(2),
        Duration.ofDays(7),
        1,
        partitions);
  }

  /** The worker of {@code make run}: the scenario charges it and pauses it. */
  private static long workerPid(Path root) throws Exception {
    Path file = root.resolve(".run/worker.pid");
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          "no persistence worker is running (" + file + " is missing): start it with make run");
    }
    long pid = Long.parseLong(Files.readString(file).trim());
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return pid;
    }
    throw new IllegalStateException(
        "no persistence worker is running (" + file + " names pid " + pid + ", which is gone)");
  }

  private static void signal(long pid, String signal) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }

  private static PgConnectOptions pgOptions(RunSettings s) {
    return new PgConnectOptions()
        .setHost(s.pgHost())
        .setPort(s.pgPort())
        .setDatabase(s.pgDatabase())
        .setUser(s.pgUser());
  }

  /**
   * CPU µs per message of a group; null when unknown: a Postgres backend that exited during the
   * phase takes its CPU with it (the snapshot sums live processes), which can even read negative.
   */
  private static Double perMessage(JsonObject cpu, String group, long count) {
    Double seconds = cpu.getDouble(group);
    return seconds == null || seconds < 0 || count == 0 ? null : round(seconds * 1e6 / count);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
