package dev.parley.gateway.conversations;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.MembershipChange;
import dev.parley.gateway.fanout.FanoutHub;
import io.nats.client.Connection;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every gateway about a membership change. This node applies it before the caller gets its
 * answer, so a client that creates a conversation and sends at once on the same node is already
 * subscribed; other nodes apply it when the notice arrives.
 */
public final class MembershipAnnouncer {
  private static final Logger log = LoggerFactory.getLogger(MembershipAnnouncer.class);

  private final FanoutHub hub;
  private final Connection nc;
  private final Subjects subjects;

  public MembershipAnnouncer(FanoutHub hub, Connection nc, Subjects subjects) {
    this.hub = hub;
    this.nc = nc;
    this.subjects = subjects;
  }

  public Future<Void> announce(MembershipChange change) {
    return hub.membershipChanged(change).onSuccess(v -> {
      try {
        nc.publish(subjects.membershipChanges(), change.toJson().encode().getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        // The change is committed; other nodes pick it up on their members' next reconnect.
        log.warn("Could not announce membership change of conversation {}: {}", change.conversationId(), e.toString());
      }
    });
  }
}
