package dev.parley.testing;

import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A property checked on generated samples: the same seed gives the same samples, so a failure
 * names its seed and sample, and {@code PARLEY_TEST_SEED=<seed>} repeats it.
 */
public final class Samples {
  static final String SEED_VARIABLE = "PARLEY_TEST_SEED";

  private Samples() {}

  /** Checks {@code property} on {@code tries} samples of {@code generator}; the first failure ends it. */
  public static <T> void check(int tries, Function<Random, T> generator, Consumer<T> property) {
    long seed = seed();
    Random random = new Random(seed);
    for (int i = 1; i <= tries; i++) {
      T sample = generator.apply(random);
      try {
        property.accept(sample);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "property failed on try "
                + i
                + " of "
                + tries
                + " for "
                + describe(sample)
                + " (seed "
                + seed
                + "; "
                + SEED_VARIABLE
                + "="
                + seed
                + " repeats it)",
            e);
      }
    }
  }

  private static long seed() {
    String fixed = System.getenv(SEED_VARIABLE);
    return fixed == null || fixed.isBlank()
        ? new Random().nextLong()
        : Long.parseLong(fixed.strip());
  }

  /** Every character outside printable ASCII as an escape: the sample may hold anything. */
  static String describe(Object sample) {
    if (sample instanceof byte[] bytes) {
      StringBuilder out = new StringBuilder("bytes [");
      for (byte b : bytes) {
        out.append(String.format(" %02x", b & 0xff));
      }
      return out.append(" ]").toString();
    }
    String text = String.valueOf(sample);
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.append('"').toString();
  }
}
