package dev.parley.gateway.messages;

import dev.parley.gateway.realtime.ClientConnection;
import dev.parley.gateway.realtime.FrameHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** WS {@code message.send}: the same send path as REST; the ack carries the stored message. */
public final class SendFrames implements FrameHandler {
  private final SendService sends;
  private final int maxContentBytes;

  public SendFrames(SendService sends, int maxContentBytes) {
    this.sends = sends;
    this.maxContentBytes = maxContentBytes;
  }

  @Override
  public Future<?> handle(ClientConnection connection, JsonObject data) {
    SendRequest req = SendRequest.parse(data.getString("conversation_id"), data, maxContentBytes);
    return sends.send(connection.user(), req).map(sent -> sent.message().toJson());
  }
}
