package dev.parley.system;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The conversation and member routes as tests call them, and predicates over the frames they cause. */
final class ConversationCalls {
  /** docs/api.md#events: an event reaches a member's connection on another node within this. */
  static final Duration EVENT_WAIT = Duration.ofSeconds(2);

  private ConversationCalls() {}

  static Api.Reply addMember(Api api, String token, String conversationId, String userId) {
    return api.call(
        HttpMethod.POST,
        "/api/v1/conversations/" + conversationId + "/members",
        token,
        new JsonObject().put("user_id", userId));
  }

  static Api.Reply removeMember(Api api, String token, String conversationId, String userId) {
    return api.call(
        HttpMethod.DELETE,
        "/api/v1/conversations/" + conversationId + "/members/" + userId,
        token,
        null);
  }

  static Api.Reply setRole(
      Api api, String token, String conversationId, String userId, String role) {
    return api.call(
        HttpMethod.PUT,
        "/api/v1/conversations/" + conversationId + "/members/" + userId,
        token,
        new JsonObject().put("role", role));
  }

  static Api.Reply update(Api api, String token, String conversationId, JsonObject body) {
    return api.call(HttpMethod.PUT, "/api/v1/conversations/" + conversationId, token, body);
  }

  static Api.Reply delete(Api api, String token, String conversationId) {
    return api.call(HttpMethod.DELETE, "/api/v1/conversations/" + conversationId, token, null);
  }

  static Api.Reply details(Api api, String token, String conversationId) {
    return api.call(HttpMethod.GET, "/api/v1/conversations/" + conversationId, token, null);
  }

  static Api.Reply direct(Api api, String token, String otherUserId) {
    return api.call(
        HttpMethod.POST,
        "/api/v1/conversations",
        token,
        new JsonObject().put("type", "direct").put("member_ids", new JsonArray().add(otherUserId)));
  }

  /** The caller's whole list (first page of 100), as items. */
  static List<JsonObject> list(Api api, String token) {
    Api.Reply r = api.call(HttpMethod.GET, "/api/v1/conversations?limit=100", token, null);
    if (r.status() != 200) {
      throw new AssertionError("list answered " + r.status() + " " + r.body());
    }
    List<JsonObject> items = new ArrayList<>();
    r.body().getJsonArray("items").forEach(o -> items.add((JsonObject) o));
    return items;
  }

  static JsonObject listed(Api api, String token, String conversationId) {
    return list(api, token).stream()
        .filter(c -> conversationId.equals(c.getString("id")))
        .findFirst()
        .orElse(null);
  }

  /** The role each member has, as "user:role" strings. */
  static List<String> roles(JsonObject conversation) {
    List<String> out = new ArrayList<>();
    conversation
        .getJsonArray("members")
        .forEach(
            o ->
                out.add(
                    ((JsonObject) o).getString("user_id")
                        + ":"
                        + ((JsonObject) o).getString("role")));
    return out;
  }

  /** The conversation a frame is about (conversation.* events carry it as the object's id). */
  static String conversationOf(JsonObject frame) {
    JsonObject data = frame.getJsonObject("data");
    if (data == null) {
      return null;
    }
    String type = frame.getString("type");
    if ("conversation.created".equals(type) || "conversation.updated".equals(type)) {
      return data.getString("id");
    }
    return data.getString("conversation_id");
  }

  static Predicate<JsonObject> about(String conversationId) {
    return f -> conversationId.equals(conversationOf(f));
  }

  static Predicate<JsonObject> event(String type, String conversationId) {
    return f -> type.equals(f.getString("type")) && conversationId.equals(conversationOf(f));
  }

  static Predicate<JsonObject> message(String conversationId, String content) {
    return f ->
        "message.new".equals(f.getString("type"))
            && conversationId.equals(conversationOf(f))
            && content.equals(f.getJsonObject("data").getString("content"));
  }

  /** Every frame a connection got about one conversation, in arrival order. */
  static List<JsonObject> framesAbout(WsClient ws, String conversationId) {
    return ws.frames().stream().filter(about(conversationId)).toList();
  }

  static String errorCode(Api.Reply r) {
    return r.body() == null || r.body().getJsonObject("error") == null
        ? null
        : r.body().getJsonObject("error").getString("code");
  }
}
