package dev.parley.contract.wire;

import io.vertx.core.json.JsonObject;

/** Builds the JSON frames of API.md: {@code {"type","id"?,"data"}} and the error shape. */
public final class Frames {
  private Frames() {}

  public static JsonObject event(String type, JsonObject data) {
    return new JsonObject().put("type", type).put("data", data);
  }

  public static JsonObject ack(String id, Object data) {
    return new JsonObject().put("type", EventType.ACK).put("id", id).put("data", data);
  }

  public static JsonObject error(String id, ErrorCode code, String message) {
    JsonObject frame = new JsonObject().put("type", EventType.ERROR);
    if (id != null) {
      frame.put("id", id);
    }
    return frame.put("data", new JsonObject().put("code", code.wire()).put("message", message));
  }

  /** REST error body: {@code {"error":{"code","message"}}}. */
  public static JsonObject errorBody(ErrorCode code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code.wire()).put("message", message));
  }
}
