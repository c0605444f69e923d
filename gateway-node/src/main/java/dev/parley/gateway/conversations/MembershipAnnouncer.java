package dev.parley.gateway.conversations;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.contract.wire.Ids;
import dev.parley.contract.wire.MembershipChange;
import dev.parley.gateway.fanout.FanoutHub;
import dev.parley.gateway.stream.StreamClient;
import io.nats.client.Connection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every gateway about a membership change. The event itself (e.g. {@code
 * conversation.created}) is written to the stream first, so it is ordered with the conversation's
 * messages and its sequence marks where the added members' history starts; each gateway that
 * subscribes because of the change reads the stream from there. This node applies the change
 * before the caller gets its answer; other nodes apply it when the notice arrives.
 */
public final class MembershipAnnouncer {
  private static final Logger log = LoggerFactory.getLogger(MembershipAnnouncer.class);

  private final FanoutHub hub;
  private final Connection nc;
  private final StreamClient stream;
  private final Subjects subjects;

  public MembershipAnnouncer(FanoutHub hub, Connection nc, StreamClient stream, Subjects subjects) {
    this.hub = hub;
    this.nc = nc;
    this.stream = stream;
    this.subjects = subjects;
  }

  /** A new conversation: {@code conversation.created} to every member's open connections, on every node. */
  public Future<Void> created(JsonObject conversation, List<String> members) {
    String conversationId = conversation.getString("id");
    JsonObject event = Frames.event(EventType.CONVERSATION_CREATED, conversation);
    return stream
        .publish(
            Vertx.currentContext(),
            subjects.streamEvents(conversationId),
            "created:" + conversationId,
            event)
        .map(
            published ->
                new MembershipChange(
                    Ids.newId(), conversationId, members, List.of(), published.seq(), null))
        .recover(
            e -> {
              // Without the stream the event still reaches open connections directly; it is just
              // not ordered.
              log.warn(
                  "conversation.created of {} not written to the stream ({}); notifying connections directly",
                  conversationId,
                  e.toString());
              return Future.succeededFuture(
                  new MembershipChange(Ids.newId(), conversationId, members, List.of(), 0, event));
            })
        .compose(this::announce);
  }

  /**
   * Users added to a conversation: their open connections, on every node, read the stream from
   * {@code sinceSeq} (the change's first entry) and then receive the conversation live.
   */
  public Future<Void> joined(String conversationId, List<String> userIds, long sinceSeq) {
    return announce(
        new MembershipChange(Ids.newId(), conversationId, userIds, List.of(), sinceSeq, null));
  }

  /**
   * Users who lost a conversation (removed, left, or it was deleted). This only drops membership
   * caches: their connections stop receiving it where the stream's {@code member.removed} or
   * {@code conversation.deleted} is delivered, so they get that event and nothing after it.
   */
  public Future<Void> left(String conversationId, List<String> userIds) {
    return announce(new MembershipChange(Ids.newId(), conversationId, List.of(), userIds, 0, null));
  }

  public Future<Void> announce(MembershipChange change) {
    return hub.membershipChanged(change)
        .onSuccess(
            v -> {
              try {
                nc.publish(
                    subjects.membershipChanges(),
                    change.toJson().encode().getBytes(StandardCharsets.UTF_8));
              } catch (RuntimeException e) {
                // The change is committed; other nodes pick it up on their members' next reconnect.
                log.warn(
                    "Could not announce membership change of conversation {}: {}",
                    change.conversationId(),
                    e.toString());
              }
            });
  }
}
