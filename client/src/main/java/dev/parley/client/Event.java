package dev.parley.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A frame the server sent on {@code /ws}, typed. The kinds a chat client acts on have their own
 * record; every other frame type (edits, reactions, membership, read receipts, and types added to
 * the contract later) arrives as {@link Other} with its JSON, so nothing is dropped. Objects may
 * gain fields at any time: the records keep the whole object as well.
 */
public sealed interface Event
    permits Event.MessageNew,
        Event.Ack,
        Event.ErrorFrame,
        Event.PresenceChanged,
        Event.TypingIndicator,
        Event.Other {

  String type();

  /**
   * {@code message.new}: a message of a conversation the user is in (its own included).
   *
   * @param prevSeq the seq of the message before it in the conversation, null for the first
   * @param replayed true when it was read from history while resuming, not received live
   */
  record MessageNew(
      String conversationId,
      long seq,
      Long prevSeq,
      String senderId,
      String content,
      String clientMsgId,
      JsonObject message,
      boolean replayed)
      implements Event {
    static MessageNew of(JsonObject m, boolean replayed) {
      Object prev = m.getValue("prev_seq");
      return new MessageNew(
          m.getString("conversation_id"),
          m.getLong("seq"),
          prev instanceof Number n ? n.longValue() : null,
          m.getString("sender_id"),
          m.getString("content"),
          m.getString("client_msg_id"),
          m,
          replayed);
    }

    @Override
    public String type() {
      return "message.new";
    }
  }

  /** The answer to a client frame that carried an {@code id}. */
  record Ack(String id, JsonObject data) implements Event {
    @Override
    public String type() {
      return "ack";
    }
  }

  /**
   * A failure: the answer to a client frame ({@code id} set) or a report about one without an id.
   *
   * @param retryAfterMs when to retry, on {@code rate_limited}; null otherwise
   */
  record ErrorFrame(String id, String code, String message, Long retryAfterMs) implements Event {
    @Override
    public String type() {
      return "error";
    }

    /** Codes whose cure is to send the same frame again later (docs/api.md, Errors). */
    public boolean retryable() {
      return "rate_limited".equals(code) || "unavailable".equals(code) || "internal".equals(code);
    }
  }

  record PresenceChanged(String userId, String status, String lastSeenAt) implements Event {
    @Override
    public String type() {
      return "presence.changed";
    }
  }

  record TypingIndicator(String conversationId, String userId, boolean typing) implements Event {
    @Override
    public String type() {
      return "typing.indicator";
    }
  }

  /** Any other frame, as the server sent it. */
  record Other(String type, JsonObject frame) implements Event {
    public JsonObject data() {
      return frame.getJsonObject("data");
    }
  }

  /** Reads one text frame; a frame that is not a JSON object is an {@link Other} of type "". */
  static Event parse(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return new Other("", new JsonObject().put("text", text));
    }
    String type = frame.getString("type", "");
    JsonObject data = frame.getJsonObject("data", new JsonObject());
    return switch (type) {
      case "message.new" -> MessageNew.of(data, false);
      case "ack" -> new Ack(frame.getString("id"), data);
      case "error" ->
          new ErrorFrame(
              frame.getString("id"),
              data.getString("code"),
              data.getString("message"),
              data.getLong("retry_after_ms"));
      case "presence.changed" ->
          new PresenceChanged(
              data.getString("user_id"), data.getString("status"), data.getString("last_seen_at"));
      case "typing.indicator" ->
          new TypingIndicator(
              data.getString("conversation_id"),
              data.getString("user_id"),
              data.getBoolean("typing", false));
      default -> new Other(type, frame);
    };
  }
}
