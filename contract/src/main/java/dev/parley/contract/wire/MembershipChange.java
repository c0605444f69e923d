package dev.parley.contract.wire;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Gateway-to-gateway notice on {@code <p>.internal.membership}: who joined or left a conversation,
 * so every gateway can start or stop fanning the conversation out to those users' connections at
 * once. {@code notice}, when present, is a frame to deliver to the added users' connections (e.g.
 * {@code conversation.created}) after they are subscribed.
 */
public record MembershipChange(
    String changeId, String conversationId, List<String> added, List<String> removed, JsonObject notice) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("change_id", changeId)
        .put("conversation_id", conversationId)
        .put("added", new JsonArray(added))
        .put("removed", new JsonArray(removed))
        .put("notice", notice);
  }

  @SuppressWarnings("unchecked")
  public static MembershipChange fromJson(JsonObject o) {
    return new MembershipChange(
        o.getString("change_id"),
        o.getString("conversation_id"),
        List.copyOf((List<String>) o.getJsonArray("added", new JsonArray()).getList()),
        List.copyOf((List<String>) o.getJsonArray("removed", new JsonArray()).getList()),
        o.getJsonObject("notice"));
  }
}
