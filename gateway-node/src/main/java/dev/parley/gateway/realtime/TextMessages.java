package dev.parley.gateway.realtime;

import dev.parley.gateway.http.TextRules;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.CharacterCodingException;
import java.util.function.Consumer;

/**
 * Assembles a client's text messages from their frames and decodes them strictly. Vert.x's own
 * text handler turns malformed UTF-8 into U+FFFD, which would then be stored as if the client had
 * sent it; RFC 6455 says to fail the connection instead (1007). The size limit is
 * {@link MessageSizeGuard}'s: past it this stops collecting, and the guard closes the connection.
 */
final class TextMessages implements Handler<WebSocketFrame> {
  static final short INVALID_PAYLOAD = 1007;

  private final ClientConnection connection;
  private final int maxBytes;
  private final Consumer<String> onMessage;
  private Buffer current;
  private boolean inText;

  TextMessages(ClientConnection connection, int maxBytes, Consumer<String> onMessage) {
    this.connection = connection;
    this.maxBytes = maxBytes;
    this.onMessage = onMessage;
  }

  @Override
  public void handle(WebSocketFrame frame) {
    if (frame.isText()) {
      inText = true;
      current = Buffer.buffer();
    } else if (!frame.isContinuation() || !inText) {
      if (frame.isBinary()) {
        inText = false; // a binary message (and its continuations) is the binary handler's
      }
      return;
    }
    if (current != null) {
      current.appendBuffer(frame.binaryData());
      if (current.length() > maxBytes) {
        current = null;
      }
    }
    if (frame.isFinal()) {
      inText = false;
      Buffer whole = current;
      current = null;
      if (whole != null) {
        deliver(whole);
      }
    }
  }

  private void deliver(Buffer whole) {
    String text;
    try {
      text = TextRules.decodeUtf8(whole.getBytes());
    } catch (CharacterCodingException e) {
      connection.close(INVALID_PAYLOAD, "text frames must be valid UTF-8");
      return;
    }
    onMessage.accept(text);
  }
}
