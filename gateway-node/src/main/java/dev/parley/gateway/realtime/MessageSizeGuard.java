package dev.parley.gateway.realtime;

import io.vertx.core.Handler;
import io.vertx.core.http.WebSocketFrame;

/**
 * Closes a connection with 1009 (message too big) once one client message, counted over all its
 * frames, passes the limit. Vert.x refuses such a message without closing; the contract says close.
 */
final class MessageSizeGuard implements Handler<WebSocketFrame> {
  static final short MESSAGE_TOO_BIG = 1009;

  private final ClientConnection connection;
  private final int maxBytes;
  private long current;

  MessageSizeGuard(ClientConnection connection, int maxBytes) {
    this.connection = connection;
    this.maxBytes = maxBytes;
  }

  @Override
  public void handle(WebSocketFrame frame) {
    if (!(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return;
    }
    current += frame.binaryData().length();
    if (current > maxBytes) {
      connection.close(MESSAGE_TOO_BIG, "message larger than " + maxBytes + " bytes");
      current = 0;
      return;
    }
    if (frame.isFinal()) {
      current = 0;
    }
  }
}
