package dev.parley.gateway.conversations;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.conversations.ConversationLog.Write;
import io.vertx.core.json.JsonObject;

/** The stream entries a conversation change writes: events as clients get them, and system messages. */
final class ConversationEvents {
  private final Subjects subjects;

  ConversationEvents(Subjects subjects) {
    this.subjects = subjects;
  }

  Write memberAdded(String conversationId, Member member) {
    return event(
        conversationId,
        EventType.MEMBER_ADDED,
        new JsonObject()
            .put("conversation_id", conversationId)
            .put("user_id", member.userId())
            .put("role", member.role().wire()));
  }

  Write memberRemoved(String conversationId, String userId) {
    return event(
        conversationId,
        EventType.MEMBER_REMOVED,
        new JsonObject().put("conversation_id", conversationId).put("user_id", userId));
  }

  /** {@code conversation.updated} carries the conversation as {@code GET} answers it, members and roles included. */
  Write updated(String conversationId, JsonObject conversation) {
    return event(conversationId, EventType.CONVERSATION_UPDATED, conversation);
  }

  Write deleted(String conversationId) {
    return event(
        conversationId,
        EventType.CONVERSATION_DELETED,
        new JsonObject().put("conversation_id", conversationId));
  }

  Write message(ChatMessage draft) {
    return new Write(subjects.streamMessages(draft.conversationId()), null, draft.toDraftJson());
  }

  private Write event(String conversationId, String type, JsonObject data) {
    return new Write(subjects.streamEvents(conversationId), null, Frames.event(type, data));
  }
}
