package dev.parley.worker.relay;

import dev.parley.contract.Subjects;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.contract.stream.StreamLayout;
import dev.parley.contract.tracing.StreamTraceHeaders;
import dev.parley.worker.batch.Backoff;
import dev.parley.worker.batch.BatchAssembler;
import dev.parley.worker.batch.Delivery;
import dev.parley.worker.batch.StopSignal;
import dev.parley.worker.nats.JetStreamSource;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamManagement;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's thread. It waits for the lease; holding it, it runs a <em>term</em>: resume where the
 * last relay stopped, then pull, publish and ack batch after batch until it stops or loses the
 * lease. Any failure ends the term (nothing it holds is acked) and the next term, here or on
 * another worker, resumes from the consumer's ack floor. Hence at-least-once: entries published
 * but not acked before a crash are published again, in order, by the next term.
 *
 * <p>Per batch: decode; wait until the persistence consumer has stored the batch's messages; read
 * their prev_seq on the lease's session (which also proves the lease); publish each frame to
 * {@code <prefix>.conv.<id>.events} with a {@code Parley-Seq} header; flush (the server has them);
 * only then ack the batch's last entry, which acks the whole batch.
 */
final class RelayLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(RelayLoop.class);

  /** A batch closes this long after its first entry: the relay follows the persistence worker anyway. */
  static final Duration BATCH_WAIT = Duration.ofMillis(5);

  static final Duration IDLE_POLL = Duration.ofSeconds(1);

  /** How often held entries are reported in progress while waiting (the consumer's ack wait is 30 s). */
  static final Duration HEARTBEAT = Duration.ofSeconds(1);

  static final Duration LEASE_RETRY = Duration.ofSeconds(1);
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

  /** A floor wait this long gets a warning: the persistence workers are not storing. */
  static final Duration SLOW_FLOOR = Duration.ofSeconds(10);

  /** While terms keep failing, a warning this often. */
  static final Duration STILL_FAILING = Duration.ofSeconds(10);

  private final Connection nats;
  private final JetStreamManagement jsm;
  private final Subjects subjects;
  private final String streamName;
  private final int batchMax;
  private final RelayLease lease;
  private final PersistedFloor floor;
  private final RelayMetrics metrics;
  private final StopSignal stop;
  private final Backoff backoff;
  private final Object flushes;
  private final String nodeId;
  private boolean leaseUnreachable;
  private boolean standbyLogged;

  /** Terms that failed since one last got its pull going; reset by {@link #term}. */
  private int failuresInARow;

  private long failingSince;
  private long lastWarned;

  RelayLoop(
      Connection nats,
      JetStreamManagement jsm,
      Subjects subjects,
      String streamName,
      int batchMax,
      RelayLease lease,
      PersistedFloor floor,
      RelayMetrics metrics,
      StopSignal stop,
      Backoff backoff,
      String nodeId,
      Object flushes) {
    this.nats = nats;
    this.jsm = jsm;
    this.subjects = subjects;
    this.streamName = streamName;
    this.batchMax = batchMax;
    this.lease = lease;
    this.floor = floor;
    this.metrics = metrics;
    this.stop = stop;
    this.backoff = backoff;
    this.nodeId = nodeId;
    this.flushes = flushes;
  }

  @Override
  public void run() {
    try {
      while (!stop.isStopped()) {
        if (!acquire()) {
          continue;
        }
        try {
          term();
        } catch (TermEnded e) {
          if (!stop.isStopped()) {
            log.warn(
                "Relay on {} stopped relaying: {}; the next holder of the lease resumes from the ack floor",
                nodeId,
                e.getMessage());
          }
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          metrics.failed();
          logFailure(e);
        } finally {
          lease.release();
          metrics.leader(false);
        }
        if (failuresInARow > 0 && stop.awaitStop(backoff.delay(failuresInARow))) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lease.close();
      log.info("Relay on {} stopped", nodeId);
    }
  }

  /** The first failure in a row with its trace, then one line every {@link #STILL_FAILING} while it lasts. */
  private void logFailure(Exception e) {
    long now = System.nanoTime();
    if (++failuresInARow == 1) {
      failingSince = now;
      lastWarned = now;
      log.warn(
          "Relay term on {} failed: {}; giving the lease up and resuming from the ack floor, retrying every {} s at most",
          nodeId,
          e.toString(),
          backoff.max().toSeconds(),
          e);
    } else if (now - lastWarned >= STILL_FAILING.toNanos()) {
      lastWarned = now;
      log.warn(
          "Relay on {} still failing after {} attempts over {} s: {}",
          nodeId,
          failuresInARow,
          Duration.ofNanos(now - failingSince).toSeconds(),
          e.toString());
    } else {
      log.debug("Relay term on {} failed (attempt {}): {}", nodeId, failuresInARow, e.toString());
    }
  }

  /** One try at the lease; waits a little when it is elsewhere or unreachable. */
  private boolean acquire() throws InterruptedException {
    try {
      if (lease.tryAcquire()) {
        leaseUnreachable = false;
        standbyLogged = false;
        metrics.leader(true);
        return true;
      }
      if (!standbyLogged) {
        log.info("Relay on {} on standby: another worker holds the relay lease", nodeId);
        standbyLogged = true;
      }
      leaseUnreachable = false;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (!leaseUnreachable) {
        log.warn(
            "Relay on {} cannot reach Postgres for its lease ({}); retrying every {} s",
            nodeId,
            e.toString(),
            LEASE_RETRY.toSeconds());
        leaseUnreachable = true;
      }
    }
    stop.awaitStop(LEASE_RETRY);
    return false;
  }

  /** Relays until stopped, the lease is lost, or something fails. */
  private void term() throws Exception {
    JetStreamSource.requireConnected(
        nats); // fail now rather than after the requests below time out
    long relayedUpTo = resume();
    ConsumerContext consumer =
        nats.getStreamContext(streamName).getConsumerContext(StreamLayout.INTEGRATORS_CONSUMER);
    // The pull ends with the connection (see JetStreamSource): a reconnect fails this term and
    // the next one resumes from the ack floor on a new pull.
    JetStreamSource source = JetStreamSource.start(nats, consumer, batchMax);
    if (failuresInARow > 0) {
      log.info(
          "Relay on {} relays again after {} failed attempts over {} ms",
          nodeId,
          failuresInARow,
          Duration.ofNanos(System.nanoTime() - failingSince).toMillis());
      failuresInARow = 0;
    }
    try {
      BatchAssembler assembler =
          new BatchAssembler(source, batchMax, BATCH_WAIT, IDLE_POLL, System::nanoTime);
      while (!stop.isStopped()) {
        lease.requireHeld();
        List<Delivery> batch = assembler.next();
        if (batch.isEmpty()) {
          continue;
        }
        relayedUpTo = relay(batch, relayedUpTo);
        // AckPolicy.All: acking the highest entry acks everything below it, the batch and any
        // earlier term's leftovers included (a late redelivery may close the batch, so not the
        // last)
        highest(batch).ack();
      }
    } finally {
      source.close();
    }
  }

  private static Delivery highest(List<Delivery> batch) {
    Delivery top = batch.get(0);
    for (Delivery d : batch) {
      if (d.streamSeq() > top.streamSeq()) {
        top = d;
      }
    }
    return top;
  }

  /**
   * Where this term starts: first the entries the previous holder left unacked (see
   * {@link Leftovers}), relayed in order, then whatever the consumer hands out next.
   *
   * @return the highest seq relayed or passed over so far
   */
  private long resume() throws Exception {
    // an operator may have removed the consumer (to skip a backlog): then relaying starts from now
    Leftovers leftovers = Leftovers.of(jsm, streamName, Relay.declare(jsm, streamName, batchMax));
    log.info(
        "Relay on {} holds the lease: relaying {} from seq {} ({} unacknowledged entries to relay again first)",
        nodeId,
        subjects.allConversationEvents(),
        leftovers.after() + 1,
        leftovers.count());
    long relayedUpTo = leftovers.after();
    for (long from = leftovers.after() + 1;
        from <= leftovers.upTo() && !stop.isStopped();
        from += batchMax) {
      List<Delivery> chunk = leftovers.read(from, Math.min(leftovers.upTo(), from + batchMax - 1));
      relayedUpTo = chunk.isEmpty() ? relayedUpTo : relay(chunk, relayedUpTo);
    }
    return Math.max(relayedUpTo, leftovers.upTo());
  }

  /** Publishes one batch (or replayed chunk) and returns the highest seq it covered. */
  private long relay(List<Delivery> batch, long relayedUpTo) throws Exception {
    long started = System.nanoTime();
    RelayBatch decoded = RelayBatch.decode(batch, subjects, relayedUpTo);
    long needed = decoded.highestMessageSeq();
    if (needed > 0) {
      long waitStarted = System.nanoTime();
      floor.awaitAtLeast(needed, new Keepalive(batch, needed));
      metrics.waitedForFloor(Duration.ofNanos(System.nanoTime() - waitStarted));
    }
    List<RelayBatch.Outgoing> frames = decoded.frames(lease.storedPrevSeqs(decoded.messages()));
    publish(frames);
    decoded.skipped().forEach(metrics::skipped);
    decoded.notes().forEach(note -> log.warn("Relay passed over {}", note));
    metrics.batch(decoded.highestSeq(), Duration.ofNanos(System.nanoTime() - started));
    return decoded.highestSeq();
  }

  private void publish(List<RelayBatch.Outgoing> frames) throws Exception {
    if (frames.isEmpty()) {
      return;
    }
    int messages = 0;
    for (RelayBatch.Outgoing o : frames) {
      Headers headers = new Headers().put(StreamHeaders.RELAY_SEQUENCE, Long.toString(o.seq()));
      if (o.traceparent() != null) {
        headers.put(StreamTraceHeaders.TRACEPARENT, o.traceparent());
      }
      nats.publish(o.subject(), headers, o.frame().getBytes(StandardCharsets.UTF_8));
      if (Subjects.MESSAGE_KIND.equals(o.kind())) {
        messages++;
      }
    }
    // The server has every frame before the batch is acked: a crash after the ack loses nothing.
    // One flush at a time per connection: each is a PING awaiting its PONG, and the client closes
    // the connection past two outstanding (jnats' maxPingsOut), which the relays of three
    // partitions flushing at once reached under load.
    synchronized (flushes) {
      nats.flush(FLUSH_TIMEOUT);
    }
    if (messages > 0) {
      metrics.published(Subjects.MESSAGE_KIND, messages);
    }
    if (frames.size() > messages) {
      metrics.published(Subjects.EVENT_KIND, frames.size() - messages);
    }
  }

  /** While a batch waits for the persistence floor: keep its entries, and give up when we must. */
  private final class Keepalive implements PersistedFloor.Waiting {
    private final List<Delivery> held;
    private final long needed;
    private final long started = System.nanoTime();
    private long lastBeat = System.nanoTime();
    private boolean warned;

    Keepalive(List<Delivery> held, long needed) {
      this.held = held;
      this.needed = needed;
    }

    @Override
    public void stillWaiting(long floorSeq) throws TermEnded {
      if (stop.isStopped()) {
        throw new TermEnded("stopping");
      }
      lease.requireHeld();
      long now = System.nanoTime();
      if (now - lastBeat >= HEARTBEAT.toNanos()) {
        held.forEach(Delivery::inProgress);
        lastBeat = now;
      }
      if (!warned && now - started >= SLOW_FLOOR.toNanos()) {
        log.warn(
            "Relay waits for the persistence consumer to store up to seq {} (stored up to {}); integrators see nothing new meanwhile",
            needed,
            floorSeq);
        warned = true;
      }
    }
  }
}
