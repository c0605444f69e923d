package dev.parley.gateway.presence;

import dev.parley.contract.Subjects;
import dev.parley.contract.presence.PresenceState;
import dev.parley.gateway.fanout.FanoutHub;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@code presence.changed} from the presence nodes ({@code <prefix>.presence.>}) to this
 * node's connections of users who share a conversation with that user, and to the user's own
 * connections; nobody else. The user's conversation ids come from Postgres (briefly cached); the
 * hub's subscription table turns them into connections, so a removed member stops hearing at once.
 */
public final class PresenceRelay {
  private static final Logger log = LoggerFactory.getLogger(PresenceRelay.class);

  private final Context ctx;
  private final Connection nats;
  private final Subjects subjects;
  private final FanoutHub hub;
  private final SharedConversations shared;
  private final Counter received;
  private final Counter dropped;
  private Dispatcher dispatcher;

  /** @param shared told of membership changes by the hub, which receives them */
  public PresenceRelay(
      Context ctx,
      Connection nats,
      Subjects subjects,
      FanoutHub hub,
      SharedConversations shared,
      MeterRegistry registry) {
    this.ctx = ctx;
    this.nats = nats;
    this.subjects = subjects;
    this.hub = hub;
    this.shared = shared;
    this.received =
        Counter.builder("parley_presence_changes_received_total")
            .description("presence.changed events received from the presence nodes")
            .register(registry);
    this.dropped =
        Counter.builder("parley_presence_changes_undelivered_total")
            .description(
                "presence.changed events not delivered: unreadable, or the user's conversations could not be read")
            .register(registry);
  }

  /** Subscribes; the SUBs are on their way to NATS when this returns. */
  public void start() {
    dispatcher = nats.createDispatcher();
    dispatcher.subscribe(subjects.presenceWildcard(), msg -> ctx.runOnContext(v -> onChange(msg)));
  }

  private void onChange(Message msg) {
    received.increment();
    PresenceState state;
    try {
      state = PresenceState.fromChangedEvent(msg.getData());
    } catch (IllegalArgumentException e) {
      dropped.increment();
      log.warn(
          "dropping an unreadable presence change on {}: {}", msg.getSubject(), e.getMessage());
      return;
    }
    String frame = state.toChangedEvent().encode();
    String userId = state.userId();
    hub.hasLocalConnections()
        .compose(
            any ->
                any
                    ? shared
                        .of(userId)
                        .map(
                            ids -> {
                              hub.deliverToSharers(ids, userId, frame);
                              return null;
                            })
                    : Future.succeededFuture())
        .onFailure(
            e -> {
              dropped.increment();
              log.warn(
                  "presence change of {} not delivered: its conversations could not be read: {}",
                  userId,
                  e.toString());
            });
  }

  public void close() {
    Dispatcher d = dispatcher;
    if (d != null) {
      nats.closeDispatcher(d);
    }
  }
}
