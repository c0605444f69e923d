package dev.parley.gateway.reactions;

import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.text.TextRules;
import dev.parley.gateway.text.TextRules.Kind;

/** What counts as a reaction: any short label clients agree on (a Unicode emoji, or {@code :party_parrot:}). */
final class Emoji {
  static final int MAX_CODE_POINTS = 64;

  private Emoji() {}

  /**
   * The reaction's key: the text without surrounding whitespace, 1-64 characters (code points, as
   * Postgres counts them), one line of storable text ({@link TextRules}). The same rule applies to the body of a POST and
   * the (URL-decoded) path of a DELETE, so both name the same reaction.
   */
  static String parse(Object raw) {
    if (!(raw instanceof String s)) {
      throw ApiException.invalid("emoji must be a string");
    }
    String emoji = TextRules.require("emoji", s, Kind.SINGLE_LINE).strip();
    if (emoji.isEmpty()) {
      throw ApiException.invalid("emoji must not be empty or whitespace");
    }
    if (emoji.codePointCount(0, emoji.length()) > MAX_CODE_POINTS) {
      throw ApiException.invalid("emoji must be at most " + MAX_CODE_POINTS + " characters");
    }
    return emoji;
  }
}
