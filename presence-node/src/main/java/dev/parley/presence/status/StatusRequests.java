package dev.parley.presence.status;

import dev.parley.contract.presence.PresenceRpc;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.presence.outbound.PresenceAnnouncer;
import dev.parley.presence.outbound.PresenceMetrics;
import dev.parley.presence.outbound.Replier;
import io.nats.client.Message;

/**
 * Answers {@code Subjects.presenceStatusUpdates()}: a user's {@code presence.update}, forwarded by
 * their gateway. A change is announced before the reply, so the client's ack never precedes it.
 * Changes faster than the configured interval are refused with {@code rate_limited}: the bound on
 * what one user's status can publish.
 */
public final class StatusRequests {
  private final StatusStore store;
  private final PresenceAnnouncer announcer;
  private final Replier replier;
  private final PresenceMetrics metrics;

  public StatusRequests(
      StatusStore store, PresenceAnnouncer announcer, Replier replier, PresenceMetrics metrics) {
    this.store = store;
    this.announcer = announcer;
    this.replier = replier;
    this.metrics = metrics;
  }

  public void onRequest(Message request) {
    PresenceRpc.StatusUpdate update;
    try {
      update = PresenceRpc.StatusUpdate.fromBytes(request.getData());
    } catch (IllegalArgumentException e) {
      metrics.statusUpdate("invalid");
      replier.invalid(request, e.getMessage());
      return;
    }
    store
        .set(update.userId(), update.status())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                metrics.statusUpdate("failed");
                replier.fail(request, "status update of " + update.userId(), ar.cause());
              } else if (ar.result() instanceof StatusStore.Outcome.TooSoon tooSoon) {
                metrics.statusUpdate("rate_limited");
                replier.reply(
                    request,
                    new PresenceRpc.Failure(
                            ErrorCode.RATE_LIMITED,
                            "status changed too recently; retry in "
                                + tooSoon.retryAfterMillis()
                                + " ms",
                            tooSoon.retryAfterMillis())
                        .toBytes());
              } else if (ar.result() instanceof StatusStore.Outcome.Applied applied) {
                metrics.statusUpdate(applied.result().changed() ? "changed" : "unchanged");
                if (applied.result().changed()) {
                  announcer.announce(applied.result().state());
                }
                replier.reply(request, applied.result().toBytes());
              }
            });
  }
}
