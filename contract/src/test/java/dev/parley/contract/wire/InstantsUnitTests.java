package dev.parley.contract.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class InstantsUnitTests {
  @Test
  void readsBackWhatInstantWritesAtEveryPrecision() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 100_000; i++) {
      Instant t =
          Instant.ofEpochSecond(
              r.nextLong(-62_135_596_800L, 253_402_300_799L), r.nextInt(1_000_000_000));
      for (ChronoUnit unit :
          new ChronoUnit[] {
            ChronoUnit.SECONDS, ChronoUnit.MILLIS, ChronoUnit.MICROS, ChronoUnit.NANOS
          }) {
        Instant u = t.truncatedTo(unit);
        assertThat(Instants.parse(u.toString())).isEqualTo(u);
      }
    }
  }

  @Test
  void answersAsInstantParseDoesForAnythingElse() {
    for (String odd :
        new String[] {
          "2024-02-29T23:59:59.5Z",
          "+10000-01-01T00:00:00Z",
          "2023-02-29T00:00:00Z",
          "2023-04-31T00:00:00Z",
          "2023-01-01T24:00:00Z",
          "2023-01-01T23:60:00Z",
          "2023-01-01T00:00:00.Z",
          "2023-01-01T00:00:00.1234567890Z",
          "2023-0a-01T00:00:00Z",
          "2023-01-01T00:00:00+01:00",
          "2023-01-01 00:00:00Z"
        }) {
      Object expected;
      try {
        expected = Instant.parse(odd);
      } catch (DateTimeException e) {
        expected = DateTimeException.class;
      }
      if (expected instanceof Instant) {
        assertThat(Instants.parse(odd)).as(odd).isEqualTo(expected);
      } else {
        assertThatThrownBy(() -> Instants.parse(odd)).as(odd).isInstanceOf(DateTimeException.class);
      }
    }
  }
}
