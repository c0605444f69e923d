package dev.parley.client;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/**
 * The few REST calls a client needs around its WebSocket: set-up (tokens in the dev profile,
 * groups, members), history for resuming, and WebSocket tickets. Everything else of the REST API is
 * plain JSON over HTTP (docs/openapi.yaml). Each call fails with {@link ApiError} when the server
 * answers with an error.
 */
public final class Rest {
  private static final int TIMEOUT_MS = 30_000;

  private final WebClient http;
  private final Gateways gateways;

  Rest(WebClient http, Gateways gateways) {
    this.http = http;
    this.gateways = gateways;
  }

  /** {@code POST /api/v1/auth/dev-token}: only on a gateway in the dev profile with dev tokens on. */
  public Future<String> devToken(int gateway, String userId, String name) {
    return call(
            gateway,
            HttpMethod.POST,
            "/api/v1/auth/dev-token",
            null,
            new JsonObject().put("user_id", userId).put("name", name))
        .map(body -> body.getString("token"));
  }

  /** A group the caller owns with {@code memberIds} in it (at most 1,000; add more one by one). */
  public Future<JsonObject> createGroup(
      int gateway, String token, String name, List<String> memberIds) {
    return call(
        gateway,
        HttpMethod.POST,
        "/api/v1/conversations",
        token,
        new JsonObject()
            .put("type", "group")
            .put("name", name)
            .put("member_ids", new JsonArray(List.copyOf(memberIds))));
  }

  /** Adds one member (a user never seen before is created); an existing member is a no-op. */
  public Future<JsonObject> addMember(
      int gateway, String token, String conversationId, String userId) {
    return call(
        gateway,
        HttpMethod.POST,
        "/api/v1/conversations/" + conversationId + "/members",
        token,
        new JsonObject().put("user_id", userId));
  }

  /** One page of history after {@code afterSeq}, oldest first: {@code {"items","has_more"}}. */
  public Future<JsonObject> messagesAfter(
      int gateway, String token, String conversationId, long afterSeq, int limit) {
    return call(
        gateway,
        HttpMethod.GET,
        "/api/v1/conversations/"
            + conversationId
            + "/messages?limit="
            + limit
            + "&after_seq="
            + afterSeq,
        token,
        null);
  }

  /** The newest page of history. */
  public Future<JsonObject> newestMessages(
      int gateway, String token, String conversationId, int limit) {
    return call(
        gateway,
        HttpMethod.GET,
        "/api/v1/conversations/" + conversationId + "/messages?limit=" + limit,
        token,
        null);
  }

  /** {@code POST /api/v1/ws-tickets}: a single-use ticket to open {@code /ws?ticket=…} (30 s). */
  public Future<String> wsTicket(int gateway, String token) {
    return call(gateway, HttpMethod.POST, "/api/v1/ws-tickets", token, new JsonObject())
        .map(body -> body.getString("ticket"));
  }

  /** Any call: the body as JSON (empty for 204), or an {@link ApiError}. */
  public Future<JsonObject> call(
      int gateway, HttpMethod method, String path, String token, JsonObject body) {
    Gateways.Gateway g = gateways.get(gateway);
    HttpRequest<Buffer> request =
        http.request(method, g.port(), g.host(), path).ssl(g.tls()).timeout(TIMEOUT_MS);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    Future<HttpResponse<Buffer>> sent =
        body == null ? request.send() : request.sendJsonObject(body);
    return sent.compose(Rest::bodyOrError);
  }

  private static Future<JsonObject> bodyOrError(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    JsonObject json;
    try {
      json = body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
    } catch (RuntimeException e) {
      json = new JsonObject();
    }
    if (response.statusCode() / 100 == 2) {
      return Future.succeededFuture(json);
    }
    JsonObject error = json.getJsonObject("error", new JsonObject());
    return Future.failedFuture(
        new ApiError(
            response.statusCode(),
            error.getString("code", "http_" + response.statusCode()),
            error.getString("message", response.statusMessage())));
  }
}
