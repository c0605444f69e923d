package dev.parley.worker.relay;

import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.stream.StreamLayout;
import dev.parley.contract.stream.StreamPartition;
import dev.parley.worker.batch.Backoff;
import dev.parley.worker.batch.StopSignal;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every stream entry to the integrators' subject {@code <prefix>.conv.<id>.events}, in
 * stream order, as the frame WebSocket clients get: {@code message.new} with the stored message
 * (seq, and prev_seq from its Postgres row) for a message, the event's payload as it is otherwise.
 *
 * <p>Each stream partition has its own relay, consumer and lease: order is per conversation, and a
 * conversation lives in one partition.
 *
 * <p><b>Order.</b> Every worker runs a relay, but only the one holding the lease (a Postgres
 * advisory lock, see {@link RelayLease}) pulls and publishes; the rest stand by and take over when
 * its session ends. One publisher on one connection is what makes core NATS keep the order for
 * every subscriber. (A pull consumer shared by several workers would not: they would publish
 * interleaved batches concurrently. Limiting the consumer to one batch in flight does not fix it
 * either, as a part-filled batch leaves room for another worker's.)
 *
 * <p><b>At-least-once.</b> A batch is acked only after its frames are flushed to the server. A
 * worker that dies between the two leaves entries unacked, and the next term publishes them
 * again, before anything newer; an integrator may see a repeat, never a gap, and drops any entry
 * whose {@code Parley-Seq} is not above the last one it handled for that conversation.
 *
 * <p>The relay reads a message's prev_seq only once the persistence consumer's ack floor has passed
 * it, so the value is the final one (see {@link PersistedFloor}).
 */
public final class Relay {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  /** Redelivery delay of the relay consumer; the relay reports held entries in progress every second. */
  static final Duration ACK_WAIT = Duration.ofSeconds(30);

  /** A failed relay batch is retried after 200 ms, doubling to 10 s (jittered): a retry policy. */
  static final Duration RETRY_FIRST = Duration.ofMillis(200);

  static final Duration RETRY_MAX = Duration.ofSeconds(10);

  static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);

  /** Time a stopping relay gets to finish the batch in hand (a flush, an ack). */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final StopSignal stop;
  private final CommitSignal commits;
  private final Thread thread;

  private Relay(StopSignal stop, CommitSignal commits, Thread thread) {
    this.stop = stop;
    this.commits = commits;
    this.thread = thread;
  }

  /**
   * Builds the relay; {@link #start} runs it on its own thread (pulling, waiting for the
   * persistence floor and flushing all block).
   *
   * @param flushes what the relays sharing {@code nats} (one per partition) hold while they flush
   */
  public static Relay create(
      Vertx vertx,
      Connection nats,
      NatsSettings natsSettings,
      StreamPartition partition,
      PostgresSettings postgres,
      int batchMax,
      String nodeId,
      MeterRegistry registry,
      Object flushes)
      throws IOException {
    JetStreamManagement jsm = nats.jetStreamManagement();
    // the name shows in pg_stat_activity next to the lock: who relays is one query away
    PgConnectOptions options =
        new PgConnectOptions(postgres.connectOptions())
            .addProperty("application_name", "parley-relay " + nodeId);
    RelayLease lease =
        new RelayLease(vertx, options, "parley.relay:" + partition.streamName(), STATEMENT_TIMEOUT);
    CommitSignal commits = new CommitSignal();
    StopSignal stop = new StopSignal();
    Backoff backoff =
        new Backoff(RETRY_FIRST, RETRY_MAX, () -> ThreadLocalRandom.current().nextDouble());
    RelayLoop loop =
        new RelayLoop(
            nats,
            jsm,
            natsSettings.subjects(),
            partition.streamName(),
            batchMax,
            lease,
            new PersistedFloor(jsm, partition.streamName(), commits),
            new RelayMetrics(registry, partition, natsSettings.partitions()),
            stop,
            backoff,
            nodeId,
            flushes);
    Thread thread = new Thread(loop, "parley-relay-p" + partition.index());
    thread.setDaemon(true);
    return new Relay(stop, commits, thread);
  }

  /**
   * Declares the relay's durable consumer if missing (from the stream's end: integrators get what
   * is written from then on), and returns it as it is now. Blocking.
   */
  public static ConsumerInfo declare(JetStreamManagement jsm, String streamName, int batchMax)
      throws IOException, JetStreamApiException {
    return StreamLayout.ensureIntegratorsConsumer(
        jsm, streamName, ACK_WAIT, maxAckPending(batchMax));
  }

  /**
   * Room for the batch in hand and the one the client pulls ahead, and slack: a term that starts
   * after a crash finds its predecessor's unacked entries counted here until its first ack.
   */
  static int maxAckPending(int batchMax) {
    return Math.max(4 * batchMax, 64);
  }

  /** Rung by the persistence loop after each committed batch, so a waiting relay looks at once. */
  public Runnable commitSignal() {
    return commits;
  }

  public void start() {
    thread.start();
  }

  /** Stops relaying: the batch in hand is finished or left unacked, and the lease released. Blocking. */
  public void stop() throws InterruptedException {
    stop.stop();
    thread.join(STOP_TIMEOUT.toMillis());
    if (thread.isAlive()) {
      log.warn(
          "The relay did not stop within {} s; its lease goes with the process",
          STOP_TIMEOUT.toSeconds());
    }
  }
}
