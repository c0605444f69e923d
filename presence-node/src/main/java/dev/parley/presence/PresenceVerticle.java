package dev.parley.presence;

import dev.parley.presence.redis.RedisLink;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the presence node's activity on one event loop: messages from NATS (handed over from jnats'
 * dispatcher thread to this verticle's context, in arrival order) and periodic tasks (sweeping dead
 * gateway nodes, ending grace periods).
 */
public final class PresenceVerticle extends VerticleBase {
  /** Presence nodes share the gateways' messages: each is handled once, by one of them. */
  static final String QUEUE_GROUP = "presence";

  private static final Logger log = LoggerFactory.getLogger(PresenceVerticle.class);

  /** Messages on {@code subject} (queue group {@code presence}) go to {@code handler}. */
  record Subscription(String subject, Consumer<Message> handler) {}

  /** {@code task} runs every {@code interval}, the next run timed from the end of the last. */
  record Periodic(String name, Duration interval, Supplier<Future<?>> task) {}

  private final Connection nats;
  private final List<Subscription> subscriptions;
  private final List<Periodic> periodics;
  private final List<Long> timers = new ArrayList<>();
  private Dispatcher dispatcher;
  private boolean stopped;

  PresenceVerticle(Connection nats, List<Subscription> subscriptions, List<Periodic> periodics) {
    this.nats = nats;
    this.subscriptions = List.copyOf(subscriptions);
    this.periodics = List.copyOf(periodics);
  }

  @Override
  public Future<?> start() {
    // Subscribing and flushing wait on the network: off the event loop.
    return vertx
        .executeBlocking(
            () -> {
              dispatcher = nats.createDispatcher();
              for (Subscription s : subscriptions) {
                dispatcher.subscribe(
                    s.subject(),
                    QUEUE_GROUP,
                    msg -> context.runOnContext(v -> s.handler().accept(msg)));
              }
              flushQuietly();
              return null;
            })
        .onSuccess(v -> periodics.forEach(this::schedule));
  }

  /**
   * How long start waits for NATS to confirm the subscriptions. Not a setting: nothing depends on
   * it, as subscriptions not confirmed in time are sent again on reconnect.
   */
  private static final Duration SUBSCRIBE_CONFIRM_WAIT = Duration.ofSeconds(2);

  /** The server has our subscriptions once a flush returns; if NATS is down they are sent on reconnect. */
  private void flushQuietly() {
    try {
      nats.flush(SUBSCRIBE_CONFIRM_WAIT);
    } catch (Exception e) {
      log.warn(
          "nats did not confirm the presence subscriptions yet ({}); they take effect once it is reachable",
          e.toString());
    }
  }

  // A timer per run rather than a periodic one: a slow run never overlaps the next.
  private void schedule(Periodic p) {
    if (!stopped) {
      timers.add(
          vertx.setTimer(
              p.interval().toMillis(),
              t -> {
                timers.remove(t);
                p.task()
                    .get()
                    .onFailure(
                        e -> {
                          if (!RedisLink.isRedisFailure(e)) {
                            log.error("{} failed", p.name(), e);
                          }
                        })
                    .onComplete(ar -> schedule(p));
              }));
    }
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
    Dispatcher d = dispatcher;
    if (d == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          nats.closeDispatcher(d);
          return null;
        });
  }
}
