package dev.parley.gateway.receipts;

import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.realtime.ClientConnection;
import dev.parley.gateway.realtime.FrameHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * WS {@code message.read} {@code {conversation_id, message_id}}: the same as {@code POST …/read}.
 * The ack's data is {@code {"moved": true|false}}: whether the read position moved.
 */
public final class ReadFrames implements FrameHandler {
  private final ReadReceipts receipts;

  public ReadFrames(ReadReceipts receipts) {
    this.receipts = receipts;
  }

  @Override
  public Future<?> handle(ClientConnection connection, JsonObject data) {
    if (!(data.getValue("conversation_id") instanceof String conversationId)) {
      throw ApiException.invalid("conversation_id is required");
    }
    if (!(data.getValue("message_id") instanceof String messageId)) {
      throw ApiException.invalid("message_id is required");
    }
    return receipts
        .read(connection.user(), messageId, conversationId)
        .map(moved -> new JsonObject().put("moved", moved));
  }
}
