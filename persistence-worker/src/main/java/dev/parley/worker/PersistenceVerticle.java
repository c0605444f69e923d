package dev.parley.worker;

import dev.parley.contract.ops.OpsRoutes;
import dev.parley.contract.ops.Readiness;
import dev.parley.contract.schema.SchemaCheck;
import dev.parley.contract.stream.StreamLayout;
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
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the worker on connections it is given: checks the schema, declares the stream and the
 * shared consumer, runs the fetch loop on its own thread and serves {@code /health},
 * {@code /ready}, {@code /metrics}. Stopping stops fetching, lets a write in flight finish (it is
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

  private final WorkerState state = new WorkerState(System::nanoTime);
  private WorkerMetrics metrics;
  private MessageStore store;
  private ConsumerWatch watch;
  private Thread fetchThread;
  private Relay relay;
  private HttpServer http;

  public PersistenceVerticle(
      WorkerConfig config, Connection nats, Pool pool, PrometheusMeterRegistry registry) {
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
    return SchemaCheck.verifyWithin(vertx, pool, config.pgStartupWait())
        .compose(ok -> vertx.executeBlocking(this::openConsumer))
        .compose(
            opened ->
                new OpsRoutes(registry, readiness())
                    .listen(vertx, config.httpHost(), config.httpPort())
                    .recover(
                        e ->
                            vertx
                                .executeBlocking(
                                    () -> {
                                      opened.source().close();
                                      return null;
                                    })
                                .transform(x -> Future.<HttpServer>failedFuture(e)))
                    .map(
                        server -> {
                          http = server;
                          startFetching(opened);
                          if (relay != null) {
                            relay.start();
                          }
                          watch = new ConsumerWatch(vertx, opened.context(), metrics);
                          watch.start(LAG_POLL);
                          log.info(
                              "Persistence worker {} consuming {}/{} in batches of up to {} (wait {} ms); ops on {}:{}",
                              config.nodeId(),
                              config.nats().streamName(),
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

  /** Blocking NATS calls: stream and consumer created if missing (start order does not matter). */
  private Opened openConsumer() throws Exception {
    JetStreamManagement jsm = nats.jetStreamManagement();
    StreamLayout.ensureStream(jsm, config.nats());
    StreamLayout.ensurePersistenceConsumer(
        jsm, config.nats(), config.ackWait(), config.maxAckPending());
    if (config.relay().enabled()) {
      // declared before start completes, so nothing written after this worker is up escapes the
      // relay
      Relay.declare(jsm, config.nats(), config.relay().batchMax());
      relay =
          Relay.create(
              vertx,
              nats,
              config.nats(),
              config.postgres(),
              config.relay().batchMax(),
              config.nodeId(),
              registry);
    } else {
      log.info(
          "Relay to {} disabled on {} (PARLEY_RELAY_ENABLED=false)",
          config.nats().subjects().allConversationEvents(),
          config.nodeId());
    }
    ConsumerContext context = persistenceConsumer();
    ConsumerConfiguration actual = context.getConsumerInfo().getConsumerConfiguration();
    if (!config.ackWait().equals(actual.getAckWait())
        || config.maxAckPending() != actual.getMaxAckPending()) {
      log.warn(
          "Consumer {} exists with ack wait {} ms and max ack pending {}; PARLEY_WORKER_ACK_WAIT={} ms and"
              + " PARLEY_WORKER_MAX_ACK_PENDING={} apply only when it is created",
          StreamLayout.PERSISTENCE_CONSUMER,
          actual.getAckWait().toMillis(),
          actual.getMaxAckPending(),
          config.ackWait().toMillis(),
          config.maxAckPending());
    }
    ReopeningSource source =
        new ReopeningSource(
            JetStreamSource.start(nats, context, config.batchMax()), () -> reopenConsumer(context));
    return new Opened(context, source, min(actual.getAckWait(), config.ackWait()));
  }

  private ConsumerContext persistenceConsumer() throws Exception {
    return nats.getStreamContext(config.nats().streamName())
        .getConsumerContext(StreamLayout.PERSISTENCE_CONSUMER);
  }

  /**
   * A new pull after the last one failed (NATS restarted, say), on the context bound at start: two
   * requests (the consumer's info, the bind). Runs on the fetch thread. A server that came back
   * without its store has neither stream nor consumer: they are declared again as at start.
   */
  private JetStreamSource reopenConsumer(ConsumerContext context) throws Exception {
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
          config.nats().streamName(),
          StreamLayout.PERSISTENCE_CONSUMER,
          e.getMessage());
      JetStreamManagement jsm = nats.jetStreamManagement();
      StreamLayout.ensureStream(jsm, config.nats());
      StreamLayout.ensurePersistenceConsumer(
          jsm, config.nats(), config.ackWait(), config.maxAckPending());
      return JetStreamSource.start(nats, context, config.batchMax());
    }
  }

  private void startFetching(Opened opened) {
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
            heartbeat);
    BatchAssembler assembler =
        new BatchAssembler(
            opened.source(),
            config.batchMax(),
            config.batchWait(),
            min(IDLE_POLL, heartbeat),
            System::nanoTime);
    Runnable afterAck = relay == null ? () -> {} : relay.commitSignal();
    fetchThread =
        new Thread(
            new FetchLoop(
                opened.source(), assembler, writer, backoff, metrics, state, stop, afterAck),
            "parley-worker-fetch");
    fetchThread.setDaemon(true);
    fetchThread.start();
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
              Throwable last = state.postgresFailure();
              return last != null
                  ? Future.failedFuture("last write failed: " + PostgresFailures.describe(last))
                  : store.ping(PING_TIMEOUT);
            })
        .check(
            "consumer",
            () ->
                state.loopAlive(LOOP_STALE)
                    ? Future.succeededFuture()
                    : Future.failedFuture("fetch loop is not running"));
  }

  @Override
  public Future<?> stop() {
    stop.stop();
    if (watch != null) {
      watch.stop();
    }
    Future<Void> relayStopped =
        relay == null
            ? Future.succeededFuture()
            : vertx.executeBlocking(
                () -> {
                  relay.stop();
                  return null;
                },
                false);
    Future<Void> fetchStopped =
        fetchThread == null
            ? Future.succeededFuture()
            : vertx.executeBlocking(
                () -> {
                  fetchThread.join(WRITE_TIMEOUT.plusSeconds(5).toMillis());
                  if (fetchThread.isAlive()) {
                    log.warn("Fetch loop did not stop in time; its batch stays unacknowledged");
                  }
                  return null;
                },
                false);
    return Future.join(relayStopped, fetchStopped)
        .transform(x -> http == null ? Future.succeededFuture() : http.close());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
