package dev.parley.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Handles one client frame type. The result becomes the {@code ack}'s data (when the frame had an
 * id); an {@code ApiException} becomes an {@code error} frame with its code.
 */
@FunctionalInterface
public interface FrameHandler {
  Future<?> handle(ClientConnection connection, JsonObject data);
}
