package dev.parley.gateway.text;

import dev.parley.gateway.failure.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What text Parley keeps: only what it can store and give back exactly. Postgres refuses U+0000 in
 * text, and a lone UTF-16 surrogate (which JSON's {@code \ud800} escape can carry) has no UTF-8
 * form, so it would be stored as {@code ?}. Text with either is refused where it enters (REST,
 * WebSocket, NATS), never acknowledged and then lost. Single-line fields (names, ids, emoji) also
 * refuse every other control character; multi-line text keeps tab, line feed and carriage return.
 * Every entry point uses this one class, so the rule is the same however the text arrives.
 */
public final class TextRules {

  /** How a field may look. */
  public enum Kind {
    /** Message content, descriptions: tab, line feed and carriage return are allowed. */
    MULTI_LINE,
    /** Names, ids, emoji: no control character at all (C0, DEL, C1). */
    SINGLE_LINE
  }

  private TextRules() {}

  /**
   * Why {@code value} cannot be kept, naming {@code field}; null when it can. A null value has no
   * problem here (whether a field is required is the caller's rule).
   */
  public static String problem(String field, String value, Kind kind) {
    if (value == null) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        return field + " contains an unpaired UTF-16 surrogate (U+" + hex(c) + ") at index " + i;
      }
      if (Character.isLowSurrogate(c)) {
        return field + " contains an unpaired UTF-16 surrogate (U+" + hex(c) + ") at index " + i;
      }
      if (c == 0) {
        return field + " contains U+0000 (NUL) at index " + i;
      }
      if (!allowedControl(c, kind)) {
        return field
            + " contains the control character U+"
            + hex(c)
            + " at index "
            + i
            + (kind == Kind.SINGLE_LINE ? " (it is one line of text)" : "");
      }
    }
    return null;
  }

  /** {@code value} when it can be kept; else 400 {@code invalid_argument} saying what is wrong with {@code field}. */
  public static String require(String field, String value, Kind kind) {
    String problem = problem(field, value, kind);
    if (problem != null) {
      throw ApiException.invalid(problem);
    }
    return value;
  }

  /**
   * The bytes as UTF-8, strictly: a malformed sequence (a stray continuation byte, a truncated or
   * overlong sequence, an encoded surrogate) fails instead of turning into U+FFFD.
   */
  public static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static boolean allowedControl(char c, Kind kind) {
    if (kind == Kind.SINGLE_LINE) {
      return !Character.isISOControl(c);
    }
    // C0 controls other than tab, LF, CR carry no text; DEL and C1 are left alone in content
    return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }
}
