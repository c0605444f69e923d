package dev.parley.testing;

import java.util.Arrays;
import java.util.Random;

/**
 * Text that breaks naive handling, for property tests: strings built from pieces of plain ASCII,
 * any UTF-16 unit, C0/C1 controls and NUL, lone high and low surrogates, emoji (surrogate pairs,
 * ZWJ sequences, modifiers), combining marks, CJK and the odd non-character. Most strings mix
 * several kinds. Seeded, so a failure can be repeated ({@link Samples}).
 */
public final class UnicodeTexts {
  private static final String[] SPECIALS = {
    "👩‍👩‍👧",
    "🏳️‍🌈",
    "👍🏽",
    "\uFEFF",
    "\uFFFE",
    "\uFFFF",
    "\u2028",
    "\u200D",
    " ",
    "\t",
    "\n",
    "\r\n"
  };

  /** Relative weights of the piece kinds below, in order. */
  private static final int[] WEIGHTS = {4, 2, 2, 1, 2, 2, 3, 1, 2, 1};

  private static final int TOTAL = Arrays.stream(WEIGHTS).sum();

  private UnicodeTexts() {}

  /** 1 to {@code maxPieces} pieces, each 1-8 characters of one kind. */
  public static String string(Random random, int maxPieces) {
    StringBuilder out = new StringBuilder();
    int pieces = 1 + random.nextInt(maxPieces);
    for (int i = 0; i < pieces; i++) {
      piece(random, out);
    }
    return out.toString();
  }

  private static void piece(Random random, StringBuilder out) {
    int length = 1 + random.nextInt(8);
    switch (kind(random)) {
      case 0 ->
          repeat(length, () -> out.append((char) (0x20 + random.nextInt(0x5F)))); // printable ASCII
      case 1 -> repeat(length, () -> out.append((char) random.nextInt(0x10000))); // any UTF-16 unit
      case 2 -> out.append((char) random.nextInt(0x20)); // C0, NUL included
      case 3 -> out.append((char) (0x7F + random.nextInt(0x21))); // DEL and C1
      case 4 -> out.append((char) (0xD800 + random.nextInt(0x400))); // a lone high surrogate
      case 5 -> out.append((char) (0xDC00 + random.nextInt(0x400))); // a lone low surrogate
      case 6 -> out.appendCodePoint(0x1F300 + random.nextInt(0x800)); // emoji: a whole pair
      case 7 -> out.append(SPECIALS[random.nextInt(SPECIALS.length)]);
      case 8 -> out.append((char) (0x0300 + random.nextInt(0x70))); // a combining mark
      default -> repeat(length, () -> out.append((char) (0x4E00 + random.nextInt(0x5200)))); // CJK
    }
  }

  private static int kind(Random random) {
    int pick = random.nextInt(TOTAL);
    for (int k = 0; k < WEIGHTS.length; k++) {
      pick -= WEIGHTS[k];
      if (pick < 0) {
        return k;
      }
    }
    return WEIGHTS.length - 1;
  }

  private static void repeat(int times, Runnable action) {
    for (int i = 0; i < times; i++) {
      action.run();
    }
  }
}
