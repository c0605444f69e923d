package dev.parley.contract.wire;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The message object of docs/api.md#the-message-object. {@code seq} and {@code prevSeq} are
 * assigned by the stream, so a message is first a draft ({@code seq == 0}) written to the stream,
 * then a stored message once its sequence is known.
 */
public record ChatMessage(
    String id,
    String conversationId,
    long seq,
    Long prevSeq,
    String senderId,
    String type,
    String content,
    String replyToId,
    JsonArray attachments,
    JsonArray reactions,
    String clientMsgId,
    Instant createdAt,
    Instant editedAt,
    boolean deleted,
    JsonObject system) {

  /**
   * Times are kept to the microsecond, Postgres's precision, so a message reads the same whether
   * it comes from the stream (a send's answer, a live event) or from the database (history, a
   * resend's answer).
   */
  public ChatMessage {
    createdAt = createdAt == null ? null : createdAt.truncatedTo(ChronoUnit.MICROS);
    editedAt = editedAt == null ? null : editedAt.truncatedTo(ChronoUnit.MICROS);
  }

  public static final String TEXT = "text";
  public static final String SYSTEM = "system";
  public static final String FILE = "file";

  /** The draft's fields as written to the stream (no seq: the stream assigns it). */
  public JsonObject toDraftJson() {
    JsonObject o =
        new JsonObject()
            .put("id", id)
            .put("conversation_id", conversationId)
            .put("sender_id", senderId)
            .put("type", type)
            .put("content", content)
            .put("reply_to_id", replyToId)
            .put("attachments", attachments == null ? new JsonArray() : attachments)
            .put("client_msg_id", clientMsgId)
            .put("created_at", createdAt.toString());
    if (system != null) {
      o.put("system", system);
    }
    return o;
  }

  /** The full message object of docs/api.md#the-message-object. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("conversation_id", conversationId)
        .put("seq", seq)
        .put("prev_seq", prevSeq)
        .put("sender_id", senderId)
        .put("type", type)
        .put("content", deleted ? null : content)
        .put("reply_to_id", replyToId)
        .put("attachments", deleted || attachments == null ? new JsonArray() : attachments)
        .put("reactions", reactions == null ? new JsonArray() : reactions)
        .put("client_msg_id", clientMsgId)
        .put("created_at", createdAt.toString())
        .put("edited_at", editedAt == null ? null : editedAt.toString())
        .put("deleted", deleted)
        .put("system", system);
  }

  /** Reads a draft (as stored in the stream) and gives it its place in the conversation. */
  public static ChatMessage fromDraft(JsonObject draft, long seq, Long prevSeq) {
    return new ChatMessage(
        draft.getString("id"),
        draft.getString("conversation_id"),
        seq,
        prevSeq,
        draft.getString("sender_id"),
        draft.getString("type", TEXT),
        draft.getString("content"),
        draft.getString("reply_to_id"),
        draft.getJsonArray("attachments", new JsonArray()),
        new JsonArray(),
        draft.getString("client_msg_id"),
        Instants.parse(draft.getString("created_at")),
        null,
        false,
        draft.getJsonObject("system"));
  }

  public ChatMessage withPrevSeq(Long newPrevSeq) {
    return new ChatMessage(
        id,
        conversationId,
        seq,
        newPrevSeq,
        senderId,
        type,
        content,
        replyToId,
        attachments,
        reactions,
        clientMsgId,
        createdAt,
        editedAt,
        deleted,
        system);
  }

  /** {@code prev_seq} as the stream reports it: 0 means "no previous message". */
  public static Long prevSeqFromStream(long lastSequence) {
    return lastSequence == 0 ? null : lastSequence;
  }
}
