package dev.parley.gateway.messagerows;

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
    return fromRow(r, "");
  }

  /**
   * Reads a message from columns named {@code prefix + name}, as {@link MessageColumns#COLUMNS}
   * selects them (history, search, a list's last message). Attachments and reactions are empty
   * when a query did not select them.
   */
  public static ChatMessage fromRow(Row r, String prefix) {
    return new ChatMessage(
        r.getString(prefix + "id"),
        r.getString(prefix + "conversation_id"),
        r.getLong(prefix + "seq"),
        r.getLong(prefix + "prev_seq"),
        r.getString(prefix + "sender_id"),
        r.getString(prefix + "type"),
        r.getString(prefix + "content"),
        r.getString(prefix + "reply_to_id"),
        optionalArray(r, prefix + "attachments"),
        optionalArray(r, prefix + "reactions"),
        r.getString(prefix + "client_msg_id"),
        instant(r.getOffsetDateTime(prefix + "created_at")),
        instant(r.getOffsetDateTime(prefix + "edited_at")),
        Boolean.TRUE.equals(r.getBoolean(prefix + "deleted")),
        jsonObject(r.getValue(prefix + "system")));
  }

  private static JsonArray optionalArray(Row r, String column) {
    return r.getColumnIndex(column) < 0 ? new JsonArray() : jsonArray(r.getValue(column));
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
