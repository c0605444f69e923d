package dev.parley.gateway.conversations;

import dev.parley.gateway.failure.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/** Opaque keyset cursor of the conversation list: (last_activity_at, id) of the last item seen. */
public record ListCursor(OffsetDateTime lastActivityAt, String id) {

  public String encode() {
    String raw = lastActivityAt.toString() + "|" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  public static ListCursor decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      return new ListCursor(OffsetDateTime.parse(raw.substring(0, bar)), raw.substring(bar + 1));
    } catch (IllegalArgumentException
        | DateTimeParseException
        | StringIndexOutOfBoundsException e) {
      throw ApiException.invalid("cursor is not one this server issued");
    }
  }
}
