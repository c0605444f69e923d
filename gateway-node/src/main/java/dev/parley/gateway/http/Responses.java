package dev.parley.gateway.http;

import dev.parley.gateway.failure.Answer;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.text.TextRules;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.CharacterCodingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON in and out; failures answered as {@link Answer} maps them. */
public final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  private Responses() {}

  public static void json(RoutingContext ctx, int status, Object body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(body instanceof JsonObject o ? o.encode() : String.valueOf(body));
  }

  public static JsonObject jsonBody(RoutingContext ctx) {
    Buffer bytes = ctx.body() == null ? null : ctx.body().buffer();
    String raw;
    try {
      // strictly: Buffer.toString would turn malformed bytes into U+FFFD and store that instead
      raw = bytes == null ? null : TextRules.decodeUtf8(bytes.getBytes());
    } catch (CharacterCodingException e) {
      throw ApiException.invalid("the body is not valid UTF-8");
    }
    if (raw == null || raw.isBlank()) {
      throw ApiException.invalid("a JSON object body is required");
    }
    try {
      Object parsed = Json.decodeValue(raw);
      if (parsed instanceof JsonObject o) {
        return o;
      }
    } catch (DecodeException e) {
      throw ApiException.invalid("the body is not valid JSON");
    }
    throw ApiException.invalid("the body must be a JSON object");
  }

  /** Failure handler for every route. */
  public static void failure(RoutingContext ctx) {
    Throwable e = ctx.failure();
    if (ctx.response().ended()) {
      return;
    }
    // a status without an ApiException comes from vertx-web's own handlers (no route, body limit,
    // CORS refusing an origin with 403 and an exception of its own): the status says it all
    if (e == null
        || (!(e instanceof ApiException) && ctx.statusCode() >= 400 && ctx.statusCode() < 500)) {
      Answer answer = Answer.ofHttpStatus(ctx.statusCode());
      json(ctx, answer.httpStatus(), answer.restBody());
      return;
    }
    error(ctx, e);
  }

  /** Answers {@code e} as {@link Answer} maps it, logging it once. */
  public static void error(RoutingContext ctx, Throwable e) {
    Answer answer = Answer.of(e);
    answer.log(
        log,
        ctx.request().method()
            + " "
            + ctx.normalizedPath()
            + " (request_id="
            + AccessLog.requestId(ctx)
            + ")");
    String retryAfter = answer.retryAfterHeader();
    if (retryAfter != null) {
      ctx.response().putHeader("Retry-After", retryAfter);
    }
    json(ctx, answer.httpStatus(), answer.restBody());
  }
}
