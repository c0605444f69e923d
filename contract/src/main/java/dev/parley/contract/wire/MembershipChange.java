package dev.parley.contract.wire;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Gateway-to-gateway notice on {@code <p>.internal.membership}: who joined or left a conversation,
 * so every gateway can start or stop fanning the conversation out to those users' connections at
 * once. {@code sinceSeq}, when positive, is the stream sequence from which the added users need the
 * conversation's events: a gateway that subscribes because of this change first reads the stream
 * from there, so nothing stored between the change and its subscription is missed. {@code notice},
 * when present, is a frame to deliver directly to the added users' connections (used when the
 * change could not be written to the stream).
 */
public record MembershipChange(
    String changeId,
    String conversationId,
    List<String> added,
    List<String> removed,
    long sinceSeq,
    JsonObject notice) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("change_id", changeId)
        .put("conversation_id", conversationId)
        .put("added", new JsonArray(added))
        .put("removed", new JsonArray(removed))
        .put("since_seq", sinceSeq)
        .put("notice", notice);
  }

  @SuppressWarnings("unchecked")
  public static MembershipChange fromJson(JsonObject o) {
    return new MembershipChange(
        o.getString("change_id"),
        o.getString("conversation_id"),
        List.copyOf((List<String>) o.getJsonArray("added", new JsonArray()).getList()),
        List.copyOf((List<String>) o.getJsonArray("removed", new JsonArray()).getList()),
        o.getLong("since_seq", 0L),
        o.getJsonObject("notice"));
  }
}
