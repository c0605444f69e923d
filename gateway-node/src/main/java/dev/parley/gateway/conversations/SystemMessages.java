package dev.parley.gateway.conversations;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The system messages that record membership changes in a conversation's history: {@code type
 * "system"}, no sender, readable content, and {@code system: {"event","actor_id","user_id"}} for
 * clients that render their own text. {@code event} is {@code member.added}, {@code
 * member.removed} (by someone else) or {@code member.left} (actor and user are the same).
 */
public final class SystemMessages {
  public static final String ADDED = "member.added";
  public static final String REMOVED = "member.removed";
  public static final String LEFT = "member.left";

  private SystemMessages() {}

  public static ChatMessage added(String conversationId, Member actor, Member user, Instant at) {
    return draft(
        conversationId,
        actor.displayName() + " added " + user.displayName(),
        ADDED,
        actor,
        user,
        at);
  }

  public static ChatMessage removed(String conversationId, Member actor, Member user, Instant at) {
    return draft(
        conversationId,
        actor.displayName() + " removed " + user.displayName(),
        REMOVED,
        actor,
        user,
        at);
  }

  public static ChatMessage left(String conversationId, Member user, Instant at) {
    return draft(conversationId, user.displayName() + " left", LEFT, user, user, at);
  }

  private static ChatMessage draft(
      String conversationId, String content, String event, Member actor, Member user, Instant at) {
    JsonObject system =
        new JsonObject()
            .put("event", event)
            .put("actor_id", actor.userId())
            .put("user_id", user.userId());
    return new ChatMessage(
        Ids.newId(),
        conversationId,
        0,
        null,
        null,
        ChatMessage.SYSTEM,
        content,
        null,
        new JsonArray(),
        new JsonArray(),
        null,
        at,
        null,
        false,
        system);
  }
}
