package dev.parley.presence.outbound;

import dev.parley.contract.Subjects;
import dev.parley.contract.presence.PresenceState;
import io.nats.client.Connection;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code presence.changed} on {@code <prefix>.presence.<user_id>} (core NATS, not stored),
 * the frame exactly as clients get it. Gateways deliver it to the user's co-members and own
 * connections; integrators may subscribe too.
 *
 * <p>Each change is announced by the one presence node whose Redis script made it (a script that
 * finds a change also records it, atomically), so two presence nodes never announce the same one.
 * At most once: a presence node that dies between its script and this publish loses the
 * announcement, and the next change (or a query) tells the truth again.
 */
public final class PresenceAnnouncer {
  private static final Logger log = LoggerFactory.getLogger(PresenceAnnouncer.class);

  private final Connection nats;
  private final Subjects subjects;
  private final PresenceMetrics metrics;

  public PresenceAnnouncer(Connection nats, Subjects subjects, PresenceMetrics metrics) {
    this.nats = nats;
    this.subjects = subjects;
    this.metrics = metrics;
  }

  public void announce(PresenceState state) {
    try {
      // jnats only queues the bytes for its writer thread: fine on an event loop
      nats.publish(subjects.presence(state.userId()), state.toChangedEventBytes());
      metrics.announced(state.status());
      log.debug(
          "presence of {} is {} (last seen {})",
          state.userId(),
          state.status().wire(),
          state.lastSeenAt());
    } catch (RuntimeException e) {
      metrics.announceFailed();
      log.warn(
          "presence.changed of {} ({}) not published: {}",
          state.userId(),
          state.status().wire(),
          e.toString());
    }
  }

  public void announceAll(Collection<PresenceState> states) {
    states.forEach(this::announce);
  }
}
