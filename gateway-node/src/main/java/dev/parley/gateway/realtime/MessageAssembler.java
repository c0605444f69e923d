package dev.parley.gateway.realtime;

import dev.parley.contract.wire.CloseReason;
import dev.parley.gateway.text.TextRules;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.CharacterCodingException;
import java.util.function.Consumer;

/**
 * Builds a client's messages from its frames, counting their bytes as they arrive, and closes the
 * connection ({@link CloseReason#MESSAGE_TOO_BIG}) the moment one message, over all its frames, passes the limit: nothing over
 * the limit is ever held or handled. (A single frame over the limit never gets here: the codec
 * refuses it from its header, and {@link WebSocketEndpoint} closes with {@link CloseReason#MESSAGE_TOO_BIG} for it too.) Every
 * frame counts as life for the keep-alive, a client's ping included. Runs on the socket's context.
 */
final class MessageAssembler implements Handler<WebSocketFrame> {
  private final ClientConnection connection;
  private final int maxBytes;
  private final Consumer<String> onText;
  private final Runnable onBinary;

  /** The message being built, null between messages. */
  private Buffer parts;

  private boolean text;
  private boolean refused;

  MessageAssembler(
      ClientConnection connection, int maxBytes, Consumer<String> onText, Runnable onBinary) {
    this.connection = connection;
    this.maxBytes = maxBytes;
    this.onText = onText;
    this.onBinary = onBinary;
  }

  @Override
  public void handle(WebSocketFrame frame) {
    connection.heard();
    if (refused) {
      return;
    }
    if (frame.isText() || frame.isBinary()) {
      text = frame.isText();
      parts = Buffer.buffer();
    } else if (!frame.isContinuation() || parts == null) {
      return; // ping, pong, close: no data of a message
    }
    Buffer data = frame.binaryData();
    if (parts.length() + (long) data.length() > maxBytes) {
      refused = true;
      parts = null;
      connection.close(CloseReason.MESSAGE_TOO_BIG, "message larger than " + maxBytes + " bytes");
      return;
    }
    parts.appendBuffer(data);
    if (frame.isFinal()) {
      Buffer whole = parts;
      parts = null;
      if (text) {
        deliverText(whole);
      } else {
        onBinary.run();
      }
    }
  }

  /**
   * Decodes strictly: Vert.x's own text handler turns malformed UTF-8 into U+FFFD, which would then
   * be stored as if the client had sent it; RFC 6455 says to fail the connection instead ({@link CloseReason#INVALID_PAYLOAD}).
   */
  private void deliverText(Buffer whole) {
    String decoded;
    try {
      decoded = TextRules.decodeUtf8(whole.getBytes());
    } catch (CharacterCodingException e) {
      refused = true;
      connection.close(CloseReason.INVALID_PAYLOAD, CloseReason.INVALID_PAYLOAD.reason());
      return;
    }
    onText.accept(decoded);
  }
}
