package dev.parley.gateway.typing;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.concurrent.OnContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typing indicators of the users connected to this gateway, one per (user, conversation), and
 * the only owner of their timers: every field is touched on {@link #ctx} alone. The typer's gateway
 * decides what receivers hear, so a lapse is emitted once, by one node:
 *
 * <ul>
 *   <li>{@code typing.start} turns an indicator on and (re)arms its lapse; without a renewal for
 *       the lapse it turns off by itself, and {@code typing: false} is published.
 *   <li>A renewal (start while on) is forwarded at most every renew interval, so receivers and
 *       clients that time out on their own keep seeing it; the others are acked, not published.
 *   <li>Changes (on ↔ off) are published at once, but at most one publish per
 *       {@link #MIN_PUBLISH_GAP} per indicator: changes within the gap are coalesced into the last
 *       state, published when the gap ends (a client toggling fast costs receivers nothing extra).
 *   <li>When the last connection that typed into an indicator closes, the indicator turns off.
 * </ul>
 *
 * Indicators are per gateway: a user typing in one conversation from two nodes has two. A gateway
 * that dies emits no {@code typing: false} for its users; clients also drop an indicator that is
 * not renewed within the lapse (docs/api.md#presence-and-typing).
 */
public final class TypingTracker {
  /** Least time between two publishes of one indicator: the bound on a fast-toggling client. */
  static final Duration MIN_PUBLISH_GAP = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(TypingTracker.class);

  private final Context ctx;
  private final Connection nats;
  private final Subjects subjects;
  private final long lapseMs;
  private final long renewNanos;

  /** user id → conversation id → indicator. */
  private final Map<String, Map<String, Indicator>> byUser = new HashMap<>();

  private final Counter published;
  private final Counter suppressed;
  private final Counter lapsed;

  private static final class Indicator {
    final String userId;
    final String conversationId;

    /** What the user is doing now. */
    boolean typing;

    /** What receivers were last told. */
    boolean published;

    long lastPublishNanos;
    long lapseTimer = -1;

    /** Pending while the publish gap runs; when it ends, the latest state is published if it differs. */
    long settleTimer = -1;

    final Set<String> connections = new HashSet<>();

    Indicator(String userId, String conversationId) {
      this.userId = userId;
      this.conversationId = conversationId;
    }
  }

  public TypingTracker(
      Context ctx,
      Connection nats,
      Subjects subjects,
      Duration lapse,
      Duration renewInterval,
      MeterRegistry registry) {
    this.ctx = ctx;
    this.nats = nats;
    this.subjects = subjects;
    this.lapseMs = lapse.toMillis();
    this.renewNanos = renewInterval.toNanos();
    this.published =
        Counter.builder("parley_typing_published_total")
            .description("typing indicators published (starts, renewals, stops, lapses)")
            .register(registry);
    this.suppressed =
        Counter.builder("parley_typing_renewals_suppressed_total")
            .description(
                "typing.start renewals acked but not forwarded (within the renew interval)")
            .register(registry);
    this.lapsed =
        Counter.builder("parley_typing_lapsed_total")
            .description("typing indicators ended by their lapse (no renewal in time)")
            .register(registry);
    registry.gauge("parley_typing_users", byUser, Map::size);
  }

  /** {@code typing.start} from one of the user's connections (membership already checked). */
  public Future<Void> start(String userId, String connectionId, String conversationId) {
    return onContext(
        () -> {
          Indicator ind =
              byUser
                  .computeIfAbsent(userId, u -> new HashMap<>())
                  .computeIfAbsent(conversationId, c -> new Indicator(userId, conversationId));
          ind.connections.add(connectionId);
          ctx.owner().cancelTimer(ind.lapseTimer);
          ind.lapseTimer = ctx.owner().setTimer(lapseMs, t -> lapse(ind));
          if (!ind.typing) {
            ind.typing = true;
            publishLatest(ind);
          } else if (ind.published
              && ind.settleTimer < 0
              && System.nanoTime() - ind.lastPublishNanos >= renewNanos) {
            publishNow(ind);
          } else {
            suppressed.increment();
          }
          return null;
        });
  }

  /** {@code typing.stop} from any of the user's connections: the indicator turns off. */
  public Future<Void> stop(String userId, String conversationId) {
    return onContext(
        () -> {
          Indicator ind = byUser.getOrDefault(userId, Map.of()).get(conversationId);
          if (ind != null && ind.typing) {
            turnOff(ind);
          }
          return null;
        });
  }

  /** A connection closed: indicators only it kept alive turn off. */
  public void connectionClosed(String userId, String connectionId) {
    ctx.runOnContext(
        v -> {
          Map<String, Indicator> mine = byUser.get(userId);
          if (mine == null) {
            return;
          }
          for (Indicator ind : Set.copyOf(mine.values())) {
            if (ind.connections.remove(connectionId) && ind.connections.isEmpty() && ind.typing) {
              turnOff(ind);
            }
          }
        });
  }

  private void lapse(Indicator ind) {
    ind.lapseTimer = -1;
    if (ind.typing) {
      lapsed.increment();
      turnOff(ind);
    }
  }

  private void turnOff(Indicator ind) {
    ctx.owner().cancelTimer(ind.lapseTimer);
    ind.lapseTimer = -1;
    ind.typing = false;
    ind.connections.clear();
    publishLatest(ind);
  }

  /** Publishes the current state now, or when the running publish gap ends. */
  private void publishLatest(Indicator ind) {
    if (ind.settleTimer < 0) {
      publishNow(ind);
    }
  }

  private void publishNow(Indicator ind) {
    publish(ind.userId, ind.conversationId, ind.typing);
    ind.published = ind.typing;
    ind.lastPublishNanos = System.nanoTime();
    ind.settleTimer = ctx.owner().setTimer(MIN_PUBLISH_GAP.toMillis(), t -> settle(ind));
  }

  private void settle(Indicator ind) {
    ind.settleTimer = -1;
    if (ind.typing != ind.published) {
      publishNow(ind);
    } else if (!ind.typing) {
      forget(ind);
    }
  }

  private void forget(Indicator ind) {
    Map<String, Indicator> mine = byUser.get(ind.userId);
    if (mine != null && mine.get(ind.conversationId) == ind) {
      mine.remove(ind.conversationId);
      if (mine.isEmpty()) {
        byUser.remove(ind.userId);
      }
    }
  }

  /** The {@code typing.indicator} frame, as published and as delivered. */
  static JsonObject indicator(String conversationId, String userId, boolean typing) {
    return Frames.event(
        EventType.TYPING_INDICATOR,
        new JsonObject()
            .put("conversation_id", conversationId)
            .put("user_id", userId)
            .put("typing", typing));
  }

  private void publish(String userId, String conversationId, boolean typing) {
    JsonObject frame = indicator(conversationId, userId, typing);
    try {
      // jnats only queues the bytes for its writer thread: fine on an event loop
      nats.publish(subjects.typing(conversationId), frame.toBuffer().getBytes());
      published.increment();
    } catch (RuntimeException e) {
      log.warn(
          "typing indicator of {} in {} not published: {}", userId, conversationId, e.toString());
    }
  }

  private <T> Future<T> onContext(Callable<T> action) {
    return OnContext.call(ctx, action);
  }
}
