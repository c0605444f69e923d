package dev.parley.gateway.failure;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Frames;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * What a caller is told about a failure, and how loudly the gateway logs it: the one mapping from
 * a failure to an answer, used by every edge (REST, WebSocket frames, NATS bot sends) so that one
 * failure reads the same on each and is logged once, by the edge that answers it. The layers below
 * fail with an {@link ApiException} (or anything else, an unexpected failure) and log nothing of
 * it.
 *
 * <ul>
 *   <li>An {@link ApiException}: its code, its status, its message, its retry hint; not logged
 *       (the caller's mistake or a refusal), except {@code unavailable}: a dependency is down, a
 *       WARN with the root cause and no stack.
 *   <li>Anything else: 500 {@code internal}, {@code "internal error"} (nothing of the cause reaches
 *       the caller), an ERROR with the stack.
 * </ul>
 *
 * @param httpStatus the HTTP status (REST, and a WebSocket handshake refused before the upgrade)
 * @param retryAfterMillis when to try again, exact ({@code retry_after_ms} of a frame or NATS
 *     reply; REST rounds it up to whole seconds in {@code Retry-After}); null when not said
 */
public record Answer(
    int httpStatus,
    ErrorCode code,
    String message,
    Long retryAfterMillis,
    Level logLevel,
    Throwable cause) {

  /** What a dependency being down tells REST callers: try again in a second. */
  static final String UNAVAILABLE_RETRY_AFTER_SECONDS = "1";

  public static Answer of(Throwable failure) {
    if (failure instanceof ApiException api) {
      return new Answer(
          api.code().httpStatus(),
          api.code(),
          api.getMessage(),
          api.retryAfterMillis(),
          api.code() == ErrorCode.UNAVAILABLE ? Level.WARN : Level.DEBUG,
          failure);
    }
    return new Answer(500, ErrorCode.INTERNAL, "internal error", null, Level.ERROR, failure);
  }

  /**
   * A request the HTTP layer refused by itself with {@code status} and no failure of ours (no such
   * route, a method not allowed, a body over the limit, CORS refusing an origin): the status says
   * it all, and stays; a status without a code of its own is 500 {@code internal}.
   */
  public static Answer ofHttpStatus(int status) {
    ErrorCode code =
        switch (status) {
          case 400, 405 -> ErrorCode.INVALID_ARGUMENT;
          case 401 -> ErrorCode.UNAUTHENTICATED;
          case 403 -> ErrorCode.FORBIDDEN;
          case 404 -> ErrorCode.NOT_FOUND;
          case 413 -> ErrorCode.TOO_LARGE;
          default -> ErrorCode.INTERNAL;
        };
    String message =
        switch (status) {
          case 403 -> "this request's Origin is not allowed";
          case 404 -> "no such route";
          case 405 -> "method not allowed on this route";
          case 413 -> "the request body is too large";
          default -> "request failed";
        };
    return new Answer(
        code == ErrorCode.INTERNAL ? 500 : status, code, message, null, Level.DEBUG, null);
  }

  /**
   * The {@code Retry-After} header of a REST answer, in whole seconds (rounded up, at least 1); 1
   * for {@code unavailable} without a hint of its own; null when there is none.
   */
  public String retryAfterHeader() {
    if (retryAfterMillis != null) {
      return Long.toString(Math.max(1, (retryAfterMillis + 999) / 1000));
    }
    return code == ErrorCode.UNAVAILABLE ? UNAVAILABLE_RETRY_AFTER_SECONDS : null;
  }

  /** A REST body: {@code {"error":{"code","message"}}} (the hint travels in {@code Retry-After}). */
  public JsonObject restBody() {
    return Frames.errorBody(code, message);
  }

  /** An {@code error} frame answering the frame {@code id} (null: a frame without one). */
  public JsonObject frame(String id) {
    return Frames.error(id, code, message, retryAfterMillis);
  }

  /** A NATS reply: {@code {"error":{"code","message","retry_after_ms"?}}}. */
  public JsonObject reply() {
    return Frames.errorBody(code, message, retryAfterMillis);
  }

  /** The one log line of this failure, on the edge's {@code log}; {@code what} names the request. */
  public void log(Logger log, String what) {
    switch (logLevel) {
      case ERROR -> log.error("{} failed unexpectedly", what, cause);
      case WARN -> log.warn("{} -> {}: {}", what, code.wire(), rootMessage(cause));
      default -> log.debug("{} -> {}: {}", what, code.wire(), message);
    }
  }

  static String rootMessage(Throwable e) {
    if (e == null) {
      return "";
    }
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
