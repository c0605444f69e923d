package dev.parley.gateway.realtime;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.http.ApiException;
import dev.parley.gateway.messages.SendRequest;
import dev.parley.gateway.messages.SendService;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one client frame: {@code {"type","id"?,"data"}}. A frame with an id is answered with
 * {@code ack} or {@code error} carrying the same id. Bad frames get an error and the connection
 * stays open.
 */
public final class FrameDispatcher {
  private static final Logger log = LoggerFactory.getLogger(FrameDispatcher.class);

  private final SendService sends;
  private final int maxContentBytes;

  public FrameDispatcher(SendService sends, int maxContentBytes) {
    this.sends = sends;
    this.maxContentBytes = maxContentBytes;
  }

  public void dispatch(ClientConnection conn, String text) {
    JsonObject frame;
    try {
      Object parsed = Json.decodeValue(text);
      if (!(parsed instanceof JsonObject o)) {
        conn.send(Frames.error(null, ErrorCode.INVALID_ARGUMENT, "a frame is one JSON object").encode());
        return;
      }
      frame = o;
    } catch (DecodeException e) {
      conn.send(Frames.error(null, ErrorCode.INVALID_ARGUMENT, "the frame is not valid JSON").encode());
      return;
    }
    String id = frame.getValue("id") instanceof String s ? s : null;
    Object type = frame.getValue("type");
    JsonObject data = frame.getValue("data") instanceof JsonObject d ? d : new JsonObject();
    Future<Object> result;
    try {
      if (EventType.MESSAGE_SEND.equals(type)) {
        SendRequest req = SendRequest.parse(data.getString("conversation_id"), data, maxContentBytes);
        result = sends.send(conn.user(), req).map(sent -> sent.message().toJson());
      } else {
        result = Future.failedFuture(ApiException.invalid("unknown frame type: " + (type == null ? "(none)" : type)));
      }
    } catch (ApiException | ClassCastException e) {
      result = Future.failedFuture(e instanceof ApiException ? e : ApiException.invalid("malformed data: " + e.getMessage()));
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        if (id != null) {
          conn.send(Frames.ack(id, ar.result()).encode());
        }
      } else {
        Throwable e = ar.cause();
        if (e instanceof ApiException api) {
          conn.send(Frames.error(id, api.code(), api.getMessage()).encode());
        } else {
          log.error("frame {} from {} failed unexpectedly", type, conn.userId(), e);
          conn.send(Frames.error(id, ErrorCode.INTERNAL, "internal error").encode());
        }
      }
    });
  }
}
