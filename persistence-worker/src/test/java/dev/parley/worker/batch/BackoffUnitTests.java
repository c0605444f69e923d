package dev.parley.worker.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffUnitTests {
  private static final Duration MIN = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(5);

  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    Backoff top = new Backoff(MIN, MAX, () -> 0.999999);
    assertThat(top.delay(1)).isEqualTo(Duration.ofMillis(99));
    assertThat(top.delay(2)).isEqualTo(Duration.ofMillis(199));
    assertThat(top.delay(4)).isEqualTo(Duration.ofMillis(799));
    assertThat(top.delay(7)).isEqualTo(Duration.ofMillis(4999));
    assertThat(top.delay(8)).isEqualTo(Duration.ofMillis(4999));
  }

  @Test
  void jitterNeverGoesBelowHalf() {
    Backoff bottom = new Backoff(MIN, MAX, () -> 0.0);
    assertThat(bottom.delay(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(bottom.delay(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(bottom.delay(50)).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void hugeAttemptNumbersStayAtTheCap() {
    Backoff b = new Backoff(MIN, MAX, () -> 0.5);
    assertThat(b.delay(Integer.MAX_VALUE)).isBetween(Duration.ofMillis(2500), MAX);
    assertThat(b.delay(0)).isBetween(Duration.ofMillis(50), MIN);
  }
}
