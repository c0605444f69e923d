package dev.parley.contract.wire;

import io.vertx.core.json.JsonObject;

/**
 * Builds the JSON frames of docs/api.md#frames: {@code {"type","id"?,"data"}} and the error shape.
 */
public final class Frames {
  private Frames() {}

  public static JsonObject event(String type, JsonObject data) {
    return new JsonObject().put("type", type).put("data", data);
  }

  public static JsonObject ack(String id, Object data) {
    return new JsonObject().put("type", EventType.ACK).put("id", id).put("data", data);
  }

  public static JsonObject error(String id, ErrorCode code, String message) {
    return error(id, code, message, null);
  }

  /** An error frame; {@code retryAfterMillis}, when given, becomes {@code data.retry_after_ms}. */
  public static JsonObject error(String id, ErrorCode code, String message, Long retryAfterMillis) {
    JsonObject frame = new JsonObject().put("type", EventType.ERROR);
    if (id != null) {
      frame.put("id", id);
    }
    return frame.put("data", errorData(code, message, retryAfterMillis));
  }

  /** REST error body: {@code {"error":{"code","message"}}}. */
  public static JsonObject errorBody(ErrorCode code, String message) {
    return errorBody(code, message, null);
  }

  /** An error body {@code {"error":{"code","message","retry_after_ms"?}}} (REST, NATS replies). */
  public static JsonObject errorBody(ErrorCode code, String message, Long retryAfterMillis) {
    return new JsonObject().put("error", errorData(code, message, retryAfterMillis));
  }

  private static JsonObject errorData(ErrorCode code, String message, Long retryAfterMillis) {
    JsonObject error = new JsonObject().put("code", code.wire()).put("message", message);
    if (retryAfterMillis != null) {
      error.put("retry_after_ms", retryAfterMillis);
    }
    return error;
  }
}
