package dev.parley.system;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/**
 * A REST client for one gateway, speaking the public API only. Every answer is checked against
 * docs/openapi.yaml ({@link ContractSchemas}): a status the operation does not document, or a body
 * that breaks its schema, fails the call.
 */
public final class Api implements AutoCloseable {
  private final WebClient client;
  private final String baseUrl;
  private final ContractSchemas contract = ContractSchemas.shared();

  public Api(Vertx vertx, String baseUrl) {
    this.client = WebClient.create(vertx);
    this.baseUrl = baseUrl;
  }

  /** A status and a JSON body (object, or null when the body is empty). */
  public record Reply(int status, JsonObject body, MultiMap headers) {}

  public String devToken(String userId) {
    Reply r =
        call(
            HttpMethod.POST,
            "/api/v1/auth/dev-token",
            null,
            new JsonObject().put("user_id", userId).put("name", userId));
    if (r.status() != 200) {
      throw new IllegalStateException("dev-token answered " + r.status() + " " + r.body());
    }
    return r.body().getString("token");
  }

  public JsonObject createGroup(String token, String name, List<String> others) {
    Reply r =
        call(
            HttpMethod.POST,
            "/api/v1/conversations",
            token,
            new JsonObject()
                .put("type", "group")
                .put("name", name)
                .put("member_ids", new JsonArray(others)));
    if (r.status() != 201) {
      throw new IllegalStateException("create group answered " + r.status() + " " + r.body());
    }
    return r.body();
  }

  public Reply send(String token, String conversationId, String content, String clientMsgId) {
    JsonObject body = new JsonObject().put("content", content);
    if (clientMsgId != null) {
      body.put("client_msg_id", clientMsgId);
    }
    return call(
        HttpMethod.POST, "/api/v1/conversations/" + conversationId + "/messages", token, body);
  }

  public Reply history(String token, String conversationId, String query) {
    return call(
        HttpMethod.GET,
        "/api/v1/conversations/"
            + conversationId
            + "/messages"
            + (query == null ? "" : "?" + query),
        token,
        null);
  }

  public Reply call(HttpMethod method, String path, String token, JsonObject body) {
    return Cluster.await(callAsync(method, path, token, body));
  }

  /** As {@link #call}, without waiting: for requests that must be in flight together. */
  public Future<Reply> callAsync(HttpMethod method, String path, String token, JsonObject body) {
    var req = client.requestAbs(method, baseUrl + path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return (body == null ? req.send() : req.sendJsonObject(body))
        .map(resp -> checked(method, path, resp));
  }

  /**
   * {@code body} as it is, as {@code application/json}: for bytes a JSON encoder would not write
   * (malformed UTF-8, or JSON escapes of lone surrogates: see {@link AsciiJson}).
   */
  public Reply callRaw(HttpMethod method, String path, String token, Buffer body) {
    var req =
        client.requestAbs(method, baseUrl + path).putHeader("content-type", "application/json");
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return Cluster.await(req.sendBuffer(body).map(resp -> checked(method, path, resp)));
  }

  private Reply checked(HttpMethod method, String path, HttpResponse<Buffer> resp) {
    String text = resp.bodyAsString();
    contract.checkResponse(
        method.name(), path, resp.statusCode(), resp.getHeader("Content-Type"), text);
    JsonObject json = text == null || text.isBlank() ? null : new JsonObject(text);
    return new Reply(resp.statusCode(), json, resp.headers());
  }

  @Override
  public void close() {
    client.close();
  }
}
