package dev.parley.presence;

import dev.parley.contract.Subjects;
import dev.parley.presence.redis.RedisLink;
import dev.parley.presence.sweep.Sweeper;
import dev.parley.presence.tracking.PresenceIngest;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the presence node's activity on one event loop: gateway reports and heartbeats from NATS
 * (handed over from jnats' dispatcher thread to this verticle's context, in arrival order), and the
 * periodic sweep of dead gateway nodes.
 */
public final class PresenceVerticle extends VerticleBase {
  /** Presence nodes share the gateways' messages: each report is applied once, by one of them. */
  static final String QUEUE_GROUP = "presence";
  private static final Logger log = LoggerFactory.getLogger(PresenceVerticle.class);

  private final Connection nats;
  private final Subjects subjects;
  private final PresenceIngest ingest;
  private final Sweeper sweeper;
  private final Duration sweepInterval;
  private Dispatcher dispatcher;
  private long sweepTimer = -1;
  private boolean stopped;

  public PresenceVerticle(Connection nats, Subjects subjects, PresenceIngest ingest, Sweeper sweeper, Duration sweepInterval) {
    this.nats = nats;
    this.subjects = subjects;
    this.ingest = ingest;
    this.sweeper = sweeper;
    this.sweepInterval = sweepInterval;
  }

  @Override
  public Future<?> start() {
    // Subscribing and flushing wait on the network: off the event loop.
    return vertx.executeBlocking(() -> {
      dispatcher = nats.createDispatcher();
      dispatcher.subscribe(subjects.presenceReports(), QUEUE_GROUP, onContext(ingest::onReport));
      dispatcher.subscribe(subjects.presenceHeartbeats(), QUEUE_GROUP, onContext(ingest::onHeartbeat));
      flushQuietly();
      return null;
    }).onSuccess(v -> scheduleSweep());
  }

  private io.nats.client.MessageHandler onContext(Consumer<byte[]> handler) {
    return (Message msg) -> context.runOnContext(v -> handler.accept(msg.getData()));
  }

  /** The server has our subscriptions once a flush returns; if NATS is down they are sent on reconnect. */
  private void flushQuietly() {
    try {
      nats.flush(Duration.ofSeconds(2));
    } catch (Exception e) {
      log.warn("nats did not confirm the presence subscriptions yet ({}); they take effect once it is reachable", e.toString());
    }
  }

  // A timer per run rather than a periodic one: a slow sweep never overlaps the next.
  private void scheduleSweep() {
    if (!stopped) {
      sweepTimer = vertx.setTimer(sweepInterval.toMillis(), t -> sweeper.sweepOnce()
          .onFailure(e -> {
            if (!RedisLink.isRedisFailure(e)) {
              log.error("sweep failed", e);
            }
          })
          .onComplete(ar -> scheduleSweep()));
    }
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(sweepTimer);
    Dispatcher d = dispatcher;
    if (d == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      nats.closeDispatcher(d);
      return null;
    });
  }
}
