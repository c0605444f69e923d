package dev.parley.system;

import dev.parley.contract.wire.Ids;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/** The message calls of the public API (edit, delete, reactions, reads) and the frames they cause, for tests. */
final class MessageApi {
  private MessageApi() {}

  static Api.Reply send(Api api, String token, String conversationId, JsonObject body) {
    return api.call(
        HttpMethod.POST, "/api/v1/conversations/" + conversationId + "/messages", token, body);
  }

  /** Sends and returns the stored message (fails unless 201). */
  static JsonObject sent(Api api, String token, String conversationId, String content) {
    Api.Reply r = api.send(token, conversationId, content, null);
    if (r.status() != 201) {
      throw new AssertionError("send answered " + r.status() + " " + r.body());
    }
    return r.body();
  }

  static Api.Reply edit(Api api, String token, String messageId, Object content) {
    return api.call(
        HttpMethod.PUT,
        "/api/v1/messages/" + messageId,
        token,
        new JsonObject().put("content", content));
  }

  static Api.Reply delete(Api api, String token, String messageId) {
    return api.call(HttpMethod.DELETE, "/api/v1/messages/" + messageId, token, null);
  }

  static Api.Reply react(Api api, String token, String messageId, Object emoji) {
    return api.call(
        HttpMethod.POST,
        "/api/v1/messages/" + messageId + "/reactions",
        token,
        new JsonObject().put("emoji", emoji));
  }

  static Api.Reply unreact(Api api, String token, String messageId, String emoji) {
    String encoded = URLEncoder.encode(emoji, StandardCharsets.UTF_8).replace("+", "%20");
    return api.call(
        HttpMethod.DELETE, "/api/v1/messages/" + messageId + "/reactions/" + encoded, token, null);
  }

  static Api.Reply read(Api api, String token, String messageId) {
    return api.call(HttpMethod.POST, "/api/v1/messages/" + messageId + "/read", token, null);
  }

  /** The message as the newest history page on {@code api}'s node shows it. */
  static JsonObject inHistory(Api api, String token, String conversationId, String messageId) {
    Api.Reply page = api.history(token, conversationId, "limit=100");
    if (page.status() != 200) {
      throw new AssertionError("history answered " + page.status() + " " + page.body());
    }
    for (Object o : page.body().getJsonArray("items")) {
      JsonObject m = (JsonObject) o;
      if (messageId.equals(m.getString("id"))) {
        return m;
      }
    }
    throw new AssertionError("message " + messageId + " not in history: " + page.body());
  }

  /** The caller's unread count for the conversation, from the conversation list. */
  static long unread(Api api, String token, String conversationId) {
    Api.Reply list = api.call(HttpMethod.GET, "/api/v1/conversations?limit=100", token, null);
    for (Object o : list.body().getJsonArray("items")) {
      JsonObject c = (JsonObject) o;
      if (conversationId.equals(c.getString("id"))) {
        return c.getLong("unread_count");
      }
    }
    throw new AssertionError("conversation " + conversationId + " not in the list");
  }

  /** A frame of {@code type} about {@code messageId} (its {@code message_id}, or the message object's {@code id}). */
  static Predicate<JsonObject> frame(String type, String messageId) {
    return f ->
        type.equals(f.getString("type"))
            && f.getJsonObject("data") != null
            && (messageId.equals(f.getJsonObject("data").getString("message_id"))
                || messageId.equals(f.getJsonObject("data").getString("id")));
  }

  /** Every frame a connection got about the conversation (to show a non-member got none). */
  static List<JsonObject> about(WsClient ws, String conversationId) {
    return ws.frames().stream()
        .filter(
            f -> {
              JsonObject data = f.getJsonObject("data");
              return data != null
                  && (conversationId.equals(data.getString("conversation_id"))
                      || conversationId.equals(data.getString("id")));
            })
        .toList();
  }

  static JsonObject reaction(JsonObject message, String emoji) {
    JsonArray reactions = message.getJsonArray("reactions");
    for (Object o : reactions) {
      if (emoji.equals(((JsonObject) o).getString("emoji"))) {
        return (JsonObject) o;
      }
    }
    return null;
  }

  /** A system message written straight into Postgres (membership events, built elsewhere, make them). */
  static String insertSystemMessage(Pool pool, String conversationId) {
    String id = Ids.newId();
    Cluster.await(
        pool.preparedQuery(
                """
        INSERT INTO messages (id, conversation_id, seq, type, content, system, created_at)
        VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1000000 FROM messages), 'system', 'someone joined',
                '{"event":"member.added"}'::jsonb, now())""")
            .execute(Tuple.of(id, conversationId)));
    return id;
  }

  /** A file row as the upload endpoint (built elsewhere) would leave it. */
  static JsonObject insertFile(
      Pool pool, String uploaderId, String name, long size, String contentType) {
    String id = Ids.newId();
    Cluster.await(
        pool.preparedQuery(
                """
        INSERT INTO files (id, uploader_id, name, size, content_type, storage_key) VALUES ($1, $2, $3, $4, $5, $6)""")
            .execute(Tuple.of(id, uploaderId, name, size, contentType, "test/" + id)));
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("size", size)
        .put("content_type", contentType);
  }
}
