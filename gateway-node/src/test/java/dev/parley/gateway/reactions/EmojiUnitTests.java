package dev.parley.gateway.reactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.gateway.failure.ApiException;
import org.junit.jupiter.api.Test;

class EmojiUnitTests {
  private static void refused(Object raw) {
    assertThatThrownBy(() -> Emoji.parse(raw))
        .as(String.valueOf(raw))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void emojiAndShortcodesAreReactions() {
    assertThat(Emoji.parse("👍")).isEqualTo("👍");
    assertThat(Emoji.parse("👩‍👩‍👧‍👦")).isEqualTo("👩‍👩‍👧‍👦");
    assertThat(Emoji.parse(":party_parrot:")).isEqualTo(":party_parrot:");
    assertThat(Emoji.parse(" 🎉 ")).as("surrounding whitespace is not part of it").isEqualTo("🎉");
  }

  @Test
  void lengthCountsCharactersNotUtf16Units() {
    assertThat(Emoji.parse("😀".repeat(64))).hasSize(128);
    refused("😀".repeat(65));
    refused("x".repeat(65));
  }

  @Test
  void emptyWhitespaceControlAndNonStringsAreRefused() {
    refused("");
    refused("   ");
    refused("\t\n");
    refused("a\u0000b");
    refused(null);
    refused(5);
  }
}
