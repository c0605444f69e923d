package dev.parley.gateway.messages;

import dev.parley.contract.wire.ChatMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Database rows to message objects. */
public final class MessageRows {
  private MessageRows() {}

  public static ChatMessage fromRow(Row r) {
    return new ChatMessage(
        r.getString("id"),
        r.getString("conversation_id"),
        r.getLong("seq"),
        r.getLong("prev_seq"),
        r.getString("sender_id"),
        r.getString("type"),
        r.getString("content"),
        r.getString("reply_to_id"),
        jsonArray(r.getValue("attachments")),
        jsonArray(r.getValue("reactions")),
        r.getString("client_msg_id"),
        instant(r.getOffsetDateTime("created_at")),
        instant(r.getOffsetDateTime("edited_at")),
        r.getBoolean("deleted"),
        jsonObject(r.getValue("system")));
  }

  /** The {@code last_message} of a conversation list item, from columns prefixed {@code prefix}. */
  public static JsonObject lastMessageJson(Row r, String prefix) {
    return new ChatMessage(
        r.getString(prefix + "id"),
        r.getString("id"),
        r.getLong(prefix + "seq"),
        r.getLong(prefix + "prev_seq"),
        r.getString(prefix + "sender_id"),
        r.getString(prefix + "type"),
        r.getString(prefix + "content"),
        r.getString(prefix + "reply_to_id"),
        new JsonArray(),
        new JsonArray(),
        r.getString(prefix + "client_msg_id"),
        instant(r.getOffsetDateTime(prefix + "created_at")),
        instant(r.getOffsetDateTime(prefix + "edited_at")),
        Boolean.TRUE.equals(r.getBoolean(prefix + "deleted")),
        jsonObject(r.getValue(prefix + "system"))).toJson();
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static JsonArray jsonArray(Object v) {
    if (v instanceof JsonArray a) {
      return a;
    }
    if (v instanceof String s) {
      return new JsonArray(s);
    }
    return new JsonArray();
  }

  private static JsonObject jsonObject(Object v) {
    if (v instanceof JsonObject o) {
      return o;
    }
    if (v instanceof String s) {
      return new JsonObject(s);
    }
    return null;
  }
}
