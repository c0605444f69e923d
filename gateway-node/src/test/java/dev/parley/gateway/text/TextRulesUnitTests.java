package dev.parley.gateway.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.text.TextRules.Kind;
import dev.parley.testing.Samples;
import dev.parley.testing.UnicodeTexts;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextRulesUnitTests {

  @Test
  void nulIsRefusedEverywhereNamingTheField() {
    assertThat(TextRules.problem("content", "nul\u0000inside", Kind.MULTI_LINE))
        .isEqualTo("content contains U+0000 (NUL) at index 3");
    assertThatThrownBy(() -> TextRules.require("name", "a\u0000", Kind.SINGLE_LINE))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("name contains U+0000");
  }

  @Test
  void loneSurrogatesAreRefusedAndPairsKept() {
    assertThat(TextRules.problem("content", "\ud800", Kind.MULTI_LINE))
        .isEqualTo("content contains an unpaired UTF-16 surrogate (U+D800) at index 0");
    assertThat(TextRules.problem("content", "x\udc00", Kind.MULTI_LINE))
        .contains("U+DC00")
        .contains("index 1");
    assertThat(TextRules.problem("content", "\udc00\ud800", Kind.MULTI_LINE))
        .as("a reversed pair is two lone halves")
        .contains("U+DC00");
    assertThat(TextRules.problem("content", "ok 😀 \ud83d\ude00", Kind.MULTI_LINE)).isNull();
    assertThat(TextRules.problem("content", "end \ud83d", Kind.MULTI_LINE)).contains("U+D83D");
  }

  @Test
  void contentKeepsTabsAndLineBreaksButNotOtherC0Controls() {
    assertThat(TextRules.problem("content", "line 1\r\n\tline 2\n", Kind.MULTI_LINE)).isNull();
    assertThat(TextRules.problem("content", "bell\u0007", Kind.MULTI_LINE))
        .isEqualTo("content contains the control character U+0007 at index 4");
    assertThat(TextRules.problem("content", "del\u007f and c1\u0085", Kind.MULTI_LINE)).isNull();
  }

  @Test
  void singleLineFieldsRefuseEveryControlCharacter() {
    for (String bad : new String[] {"a\nb", "a\tb", "a\rb", "a\u007fb", "a\u0085b", "\u001b[31m"}) {
      assertThat(TextRules.problem("name", bad, Kind.SINGLE_LINE))
          .as(bad)
          .contains("control character")
          .contains("one line");
    }
    assertThat(TextRules.problem("name", "Zoë 👩‍👩‍👧 e\u0301", Kind.SINGLE_LINE)).isNull();
  }

  @Test
  void nullIsNoProblemHere() {
    assertThat(TextRules.problem("name", null, Kind.SINGLE_LINE)).isNull();
  }

  @Test
  void malformedUtf8IsRefusedNotReplaced() throws CharacterCodingException {
    assertThat(TextRules.decodeUtf8("héllo 😀".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("héllo 😀");
    byte[][] malformed = {
      {(byte) 0xff}, // never valid
      {(byte) 0x80}, // a continuation byte alone
      {(byte) 0xc3}, // truncated
      {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // U+D800 encoded (CESU-8)
    };
    for (byte[] bytes : malformed) {
      assertThatThrownBy(() -> TextRules.decodeUtf8(bytes))
          .isInstanceOf(CharacterCodingException.class);
    }
  }

  /**
   * The promise every entry point relies on: text the rule accepts survives UTF-8 (the encoding of
   * the wire, NATS and Postgres) unchanged and has no NUL (which Postgres cannot store); text it
   * refuses really has one of the refused things. The oracle is Java's own encoder, not the rule.
   */
  @Test
  void acceptedTextRoundTripsThroughUtf8AndRefusedTextHasAReason() {
    Samples.check(
        2000,
        r -> UnicodeTexts.string(r, 6),
        text -> {
          String problem = TextRules.problem("content", text, Kind.MULTI_LINE);
          boolean survivesUtf8 =
              new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                  .equals(text);
          boolean hasRefusedControl =
              text.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r');
          if (problem == null) {
            assertThat(decodes(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
            assertThat(text).doesNotContain("\u0000");
            assertThat(hasRefusedControl).isFalse();
          } else {
            assertThat(problem).startsWith("content ");
            assertThat(!survivesUtf8 || hasRefusedControl)
                .as("refused for a reason: %s", problem)
                .isTrue();
          }
        });
  }

  @Test
  void singleLineAcceptsExactlyTheContentThatHasNoControlCharacter() {
    Samples.check(
        1000,
        r -> UnicodeTexts.string(r, 6),
        text -> {
          boolean line = TextRules.problem("name", text, Kind.SINGLE_LINE) == null;
          boolean content = TextRules.problem("name", text, Kind.MULTI_LINE) == null;
          assertThat(line).isEqualTo(content && text.chars().noneMatch(Character::isISOControl));
        });
  }

  @Test
  void anyBytesEitherDecodeToTextThatEncodesBackToThemOrAreRefused() {
    Samples.check(
        2000,
        TextRulesUnitTests::someBytes,
        bytes -> {
          String text = decodes(bytes);
          if (text != null) {
            assertThat(text.getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
          } else {
            assertThat(new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))
                .isNotEqualTo(bytes);
          }
        });
  }

  /** Up to 12 bytes, mostly from the ranges UTF-8 is made of, so valid sequences occur too. */
  private static byte[] someBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(13)];
    for (int i = 0; i < bytes.length; i++) {
      int kind = random.nextInt(4);
      bytes[i] =
          (byte)
              (kind == 0
                  ? random.nextInt(0x80)
                  : kind == 1
                      ? 0x80 + random.nextInt(0x40)
                      : kind == 2 ? 0xC2 + random.nextInt(0x1E) : 0xE0 + random.nextInt(0x20));
    }
    return bytes;
  }

  /** The strict decoding, or null when it refuses. */
  private static String decodes(byte[] bytes) {
    try {
      return TextRules.decodeUtf8(bytes);
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
