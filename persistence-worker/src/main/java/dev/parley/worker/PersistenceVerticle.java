package dev.parley.worker;

import dev.parley.contract.ops.OpsRoutes;
import dev.parley.contract.ops.Readiness;
import dev.parley.contract.schema.SchemaCheck;
import dev.parley.contract.stream.StreamLayout;
import dev.parley.contract.stream.StreamPartition;
import dev.parley.contract.tracing.Tracing;
import dev.parley.worker.batch.Backoff;
import dev.parley.worker.batch.BatchAssembler;
import dev.parley.worker.batch.BatchWriter;
import dev.parley.worker.batch.EntryDecoder;
import dev.parley.worker.batch.FetchLoop;
import dev.parley.worker.batch.StopSignal;
import dev.parley.worker.config.WorkerConfig;
import dev.parley.worker.nats.ConsumerWatch;
import dev.parley.worker.nats.JetStreamSource;
import dev.parley.worker.nats.ReopeningSource;
import dev.parley.worker.nats.SilenceBreaker;
import dev.parley.worker.ops.WorkerMetrics;
import dev.parley.worker.ops.WorkerState;
import dev.parley.worker.relay.Relay;
import dev.parley.worker.store.MessageStore;
import dev.parley.worker.store.PostgresFailures;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the worker on connections it is given: checks the schema, declares the streams and the
 * shared consumers, runs a fetch loop (and a relay) per stream partition it stores
 * ({@code PARLEY_WORKER_PARTITIONS}, all by default), each on its own thread, and serves
 * {@code /health}, {@code /ready}, {@code /metrics}. Stopping stops fetching, lets a write in flight finish (it is
 * bounded) or abandons the batch unacked, then closes what it opened, newest first.
 */
public final class PersistenceVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(PersistenceVerticle.class);

  /** A write that takes longer is retried (harmlessly, if it did commit). */
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * A failed batch is retried after 100 ms, doubling to 5 s (jittered): soon enough to catch up
   * right after a blip, rare enough not to load a Postgres that is coming back. A retry policy, not
   * a setting: PARLEY_WORKER_ACK_WAIT is what bounds redelivery.
   */
  static final Duration RETRY_FIRST = Duration.ofMillis(100);

  static final Duration RETRY_MAX = Duration.ofSeconds(5);

  /** Held entries are reported in progress at least this often (and thrice per ack wait). */
  static final Duration HEARTBEAT_MAX = Duration.ofSeconds(1);

  static final Duration IDLE_POLL = Duration.ofSeconds(1);
  static final Duration LAG_POLL = Duration.ofSeconds(5);
  static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  /** The loop beats at least every idle poll or retry slice; silence this long means it is stuck. */
  static final Duration LOOP_STALE = Duration.ofSeconds(15);

  private final WorkerConfig config;
  private final Tracing tracing;
  private final Connection nats;
  private final SilenceBreaker silence;
  private final Pool pool;
  private final PrometheusMeterRegistry registry;
  private final StopSignal stop = new StopSignal();

  /**
   * How long JetStream may stay silent on a connected connection before the worker opens a new
   * socket: several of the client's 2 s request timeouts, so a server still recovering its store
   * is not interrupted by reconnects of its own clients.
   */
  private static final Duration JETSTREAM_SILENCE_PATIENCE = Duration.ofSeconds(10);

  private WorkerMetrics metrics;
  private MessageStore store;
  private final List<Partition> partitions = new ArrayList<>();

  /** The partitions' relays share the NATS connection, and flush on it one at a time. */
  private final Object relayFlushes = new Object();

  private HttpServer http;

  /** What this worker runs for one stream partition. */
  private static final class Partition {
    final StreamPartition stream;
    final WorkerState state = new WorkerState(System::nanoTime);
    Opened opened;
    Relay relay;
    ConsumerWatch watch;
    Thread fetchThread;

    Partition(StreamPartition stream) {
      this.stream = stream;
    }
  }

  public PersistenceVerticle(
      WorkerConfig config, Connection nats, Pool pool, PrometheusMeterRegistry registry) {
    this(config, nats, pool, registry, Tracing.off());
  }

  /** With {@code tracing} on, each stored batch is a span (see BatchWriter). */
  public PersistenceVerticle(
      WorkerConfig config,
      Connection nats,
      Pool pool,
      PrometheusMeterRegistry registry,
      Tracing tracing) {
    this.tracing = tracing;
    this.config = config;
    this.nats = nats;
    this.silence = SilenceBreaker.of(nats, JETSTREAM_SILENCE_PATIENCE);
    this.pool = pool;
    this.registry = registry;
  }

  /** The HTTP port actually bound (useful when configured as 0). */
  public int port() {
    return http.actualPort();
  }

  @Override
  public Future<?> start() {
    metrics = new WorkerMetrics(registry);
    store = new MessageStore(pool, WRITE_TIMEOUT, config.writeLanes());
    for (int index : config.partitions()) {
      partitions.add(new Partition(config.nats().partition(index)));
    }
    return SchemaCheck.verifyWithin(vertx, pool, config.pgStartupWait())
        .compose(ok -> vertx.executeBlocking(this::openConsumers))
        .compose(
            opened ->
                new OpsRoutes(registry, readiness())
                    .listen(vertx, config.httpHost(), config.httpPort())
                    .recover(
                        e ->
                            vertx
                                .executeBlocking(
                                    () -> {
                                      for (Partition p : partitions) {
                                        p.opened.source().close();
                                      }
                                      return null;
                                    })
                                .transform(x -> Future.<HttpServer>failedFuture(e)))
                    .map(
                        server -> {
                          http = server;
                          for (Partition p : partitions) {
                            startFetching(p);
                            if (p.relay != null) {
                              p.relay.start();
                            }
                            p.watch =
                                new ConsumerWatch(
                                    vertx, p.opened.context(), p.stream.index(), metrics);
                            p.watch.start(LAG_POLL);
                          }
                          log.info(
                              "Persistence worker {} consuming {}/{} in batches of up to {} (wait {} ms); ops on {}:{}",
                              config.nodeId(),
                              partitions.stream().map(p -> p.stream.streamName()).toList(),
                              StreamLayout.PERSISTENCE_CONSUMER,
                              config.batchMax(),
                              config.batchWait().toMillis(),
                              config.httpHost(),
                              server.actualPort());
                          return server;
                        }));
  }

  /**
   * @param ackWait the consumer's actual ack wait: it was set by whichever worker created it, and
   *     an existing consumer keeps its own
   */
  private record Opened(ConsumerContext context, ReopeningSource source, Duration ackWait) {}

  /**
   * Blocking NATS calls: streams and consumers created if missing (start order does not matter),
   * then each partition's consumer opened.
   */
  private List<Opened> openConsumers() throws Exception {
    StreamLayout.ensureStream(nats.jetStreamManagement(), config.nats());
    List<Opened> out = new ArrayList<>();
    for (Partition p : partitions) {
      p.opened = openConsumer(p);
      out.add(p.opened);
    }
    return out;
  }

  private Opened openConsumer(Partition partition) throws Exception {
    JetStreamManagement jsm = nats.jetStreamManagement();
    String streamName = partition.stream.streamName();
    StreamLayout.ensurePersistenceConsumer(
        jsm, streamName, config.ackWait(), config.maxAckPending());
    if (config.relay().enabled()) {
      // declared before start completes, so nothing written after this worker is up escapes the
      // relay
      Relay.declare(jsm, streamName, config.relay().batchMax());
      partition.relay =
          Relay.create(
              vertx,
              nats,
              config.nats(),
              partition.stream,
              config.postgres(),
              config.relay().batchMax(),
              config.nodeId(),
              registry,
              relayFlushes);
    } else {
      log.info(
          "Relay to {} disabled on {} (PARLEY_RELAY_ENABLED=false)",
          config.nats().subjects().allConversationEvents(),
          config.nodeId());
    }
    ConsumerContext context = persistenceConsumer(streamName);
    ConsumerConfiguration actual = context.getConsumerInfo().getConsumerConfiguration();
    if (!config.ackWait().equals(actual.getAckWait())
        || config.maxAckPending() != actual.getMaxAckPending()) {
      log.warn(
          "Consumer {} of {} exists with ack wait {} ms and max ack pending {}; PARLEY_WORKER_ACK_WAIT={} ms and"
              + " PARLEY_WORKER_MAX_ACK_PENDING={} apply only when it is created",
          StreamLayout.PERSISTENCE_CONSUMER,
          streamName,
          actual.getAckWait().toMillis(),
          actual.getMaxAckPending(),
          config.ackWait().toMillis(),
          config.maxAckPending());
    }
    ReopeningSource source =
        new ReopeningSource(
            JetStreamSource.start(nats, context, config.batchMax()),
            () -> reopenConsumer(streamName, context));
    return new Opened(context, source, min(actual.getAckWait(), config.ackWait()));
  }

  private ConsumerContext persistenceConsumer(String streamName) throws Exception {
    return nats.getStreamContext(streamName).getConsumerContext(StreamLayout.PERSISTENCE_CONSUMER);
  }

  /**
   * A new pull after the last one failed (NATS restarted, say), on the context bound at start: two
   * requests (the consumer's info, the bind). Runs on the fetch thread. A server that came back
   * without its store has neither stream nor consumer: they are declared again as at start.
   */
  private JetStreamSource reopenConsumer(String streamName, ConsumerContext context)
      throws Exception {
    try {
      JetStreamSource source = JetStreamSource.start(nats, context, config.batchMax());
      silence.answered();
      return source;
    } catch (IOException e) {
      // no answer in time: NATS away, JetStream recovering, or (rarely) a connection that came
      // back deaf to JetStream, which only a new socket cures
      silence.noAnswer();
      throw e;
    } catch (JetStreamApiException e) {
      silence.answered();
      if (e.getErrorCode() != 404) {
        throw e;
      }
      log.warn(
          "Stream {} or its consumer {} is gone ({}); declaring them again",
          streamName,
          StreamLayout.PERSISTENCE_CONSUMER,
          e.getMessage());
      JetStreamManagement jsm = nats.jetStreamManagement();
      StreamLayout.ensureStream(jsm, config.nats());
      StreamLayout.ensurePersistenceConsumer(
          jsm, streamName, config.ackWait(), config.maxAckPending());
      return JetStreamSource.start(nats, context, config.batchMax());
    }
  }

  private void startFetching(Partition partition) {
    Opened opened = partition.opened;
    WorkerState state = partition.state;
    Backoff backoff =
        new Backoff(RETRY_FIRST, RETRY_MAX, () -> ThreadLocalRandom.current().nextDouble());
    // Held entries must be reported in progress well within the ack wait, or the stream hands them
    // to another worker.
    Duration heartbeat = min(HEARTBEAT_MAX, opened.ackWait().dividedBy(3));
    BatchWriter writer =
        new BatchWriter(
            store,
            new EntryDecoder(config.nats().subjects()),
            backoff,
            metrics,
            state,
            stop,
            heartbeat,
            tracing);
    BatchAssembler assembler =
        new BatchAssembler(
            opened.source(),
            config.batchMax(),
            config.batchWait(),
            min(IDLE_POLL, heartbeat),
            System::nanoTime);
    Runnable afterAck = partition.relay == null ? () -> {} : partition.relay.commitSignal();
    partition.fetchThread =
        new Thread(
            new FetchLoop(
                opened.source(), assembler, writer, backoff, metrics, state, stop, afterAck),
            "parley-worker-fetch-p" + partition.stream.index());
    partition.fetchThread.setDaemon(true);
    partition.fetchThread.start();
  }

  private Readiness readiness() {
    return new Readiness()
        .check(
            "nats",
            () ->
                nats.getStatus() == Connection.Status.CONNECTED
                    ? Future.succeededFuture()
                    : Future.failedFuture("NATS connection is " + nats.getStatus()))
        .check(
            "postgres",
            () -> {
              Throwable last = null;
              for (Partition p : partitions) {
                last = last != null ? last : p.state.postgresFailure();
              }
              return last != null
                  ? Future.failedFuture("last write failed: " + PostgresFailures.describe(last))
                  : store.ping(PING_TIMEOUT);
            })
        .check(
            "consumer",
            () -> {
              for (Partition p : partitions) {
                if (!p.state.loopAlive(LOOP_STALE)) {
                  return Future.failedFuture(
                      "fetch loop of " + p.stream.streamName() + " is not running");
                }
              }
              return Future.succeededFuture();
            });
  }

  @Override
  public Future<?> stop() {
    stop.stop();
    List<Future<Void>> stopped = new ArrayList<>();
    for (Partition p : partitions) {
      if (p.watch != null) {
        p.watch.stop();
      }
      stopped.add(stopRelay(p));
      stopped.add(stopFetching(p));
    }
    return Future.join(stopped)
        .transform(x -> http == null ? Future.succeededFuture() : http.close());
  }

  private Future<Void> stopRelay(Partition p) {
    return p.relay == null
        ? Future.succeededFuture()
        : vertx.executeBlocking(
            () -> {
              p.relay.stop();
              return null;
            },
            false);
  }

  private Future<Void> stopFetching(Partition p) {
    Thread fetchThread = p.fetchThread;
    return fetchThread == null
        ? Future.succeededFuture()
        : vertx.executeBlocking(
            () -> {
              fetchThread.join(WRITE_TIMEOUT.plusSeconds(5).toMillis());
              if (fetchThread.isAlive()) {
                log.warn(
                    "Fetch loop of {} did not stop in time; its batch stays unacknowledged",
                    p.stream.streamName());
              }
              return null;
            },
            false);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
