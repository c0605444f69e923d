package dev.parley.system;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * JSON with every non-ASCII character written as a {@code \}{@code uXXXX} escape, as a client may
 * legally send it. The escape is the only way a lone surrogate (a malformed UTF-16 string) can
 * reach the server: encoding such a string to UTF-8 would already have turned it into {@code ?}.
 */
final class AsciiJson {
  private AsciiJson() {}

  static String encode(JsonObject json) {
    String text = json.encode();
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // outside string literals JSON is ASCII, so every other character is inside one
      if (c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  static Buffer buffer(JsonObject json) {
    return Buffer.buffer(encode(json).getBytes(StandardCharsets.US_ASCII));
  }
}
