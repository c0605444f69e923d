package dev.parley.gateway.http;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Frames;
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

/** JSON in and out, and the one place failures become the contract's error shape. */
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
      int status = ctx.statusCode();
      ErrorCode code =
          switch (status) {
            case 400 -> ErrorCode.INVALID_ARGUMENT;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.INVALID_ARGUMENT;
            case 413 -> ErrorCode.TOO_LARGE;
            default -> ErrorCode.INTERNAL;
          };
      json(
          ctx,
          code == ErrorCode.INTERNAL ? 500 : status,
          Frames.errorBody(code, describeStatus(status)));
      return;
    }
    error(ctx, e);
  }

  public static void error(RoutingContext ctx, Throwable e) {
    if (e instanceof ApiException api) {
      if (api.code() == ErrorCode.UNAVAILABLE) {
        log.warn(
            "{} {} -> unavailable: {}",
            ctx.request().method(),
            ctx.normalizedPath(),
            rootMessage(e));
        ctx.response().putHeader("Retry-After", "1");
      }
      if (api.retryAfterMillis() != null) {
        ctx.response()
            .putHeader(
                "Retry-After", Long.toString(Math.max(1, (api.retryAfterMillis() + 999) / 1000)));
      }
      json(ctx, api.code().httpStatus(), Frames.errorBody(api.code(), api.getMessage()));
      return;
    }
    log.error("{} {} failed unexpectedly", ctx.request().method(), ctx.normalizedPath(), e);
    json(ctx, 500, Frames.errorBody(ErrorCode.INTERNAL, "internal error"));
  }

  private static String describeStatus(int status) {
    return switch (status) {
      case 403 -> "this request's Origin is not allowed";
      case 404 -> "no such route";
      case 405 -> "method not allowed on this route";
      case 413 -> "the request body is too large";
      default -> "request failed";
    };
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
