package dev.parley.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalBucketsUnitTests {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  /** The send default: bursts of 40, 20 per second. */
  private final LocalBuckets limiter =
      new LocalBuckets(new Rate(40, 20, Duration.ofSeconds(1)), now::get);

  private void advanceMillis(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void aBurstGoesThroughThenTheNextSendWaitsForOneToken() {
    for (int i = 0; i < 40; i++) {
      assertThat(limiter.take("alice", 1)).as("send %d of the burst", i + 1).isZero();
    }
    // 20 per second: one token every 50 ms
    assertThat(limiter.take("alice", 1)).isEqualTo(50);
    advanceMillis(20);
    assertThat(limiter.take("alice", 1)).as("a refused send takes nothing").isEqualTo(30);
    advanceMillis(30);
    assertThat(limiter.take("alice", 1)).isZero();
    assertThat(limiter.take("alice", 1)).isEqualTo(50);
  }

  @Test
  void theRateHoldsOverTime() {
    for (int i = 0; i < 40; i++) {
      limiter.take("bob", 1);
    }
    int allowed = 0;
    for (int ms = 0; ms < 10_000; ms += 10) {
      advanceMillis(10);
      if (limiter.take("bob", 1) == 0) {
        allowed++;
      }
    }
    assertThat(allowed).isBetween(199, 201);
  }

  @Test
  void anIdleBucketRefillsOnlyUpToTheBurst() {
    for (int i = 0; i < 40; i++) {
      limiter.take("carol", 1);
    }
    advanceMillis(60_000);
    for (int i = 0; i < 40; i++) {
      assertThat(limiter.take("carol", 1)).isZero();
    }
    assertThat(limiter.take("carol", 1)).isPositive();
  }

  @Test
  void usersHaveTheirOwnBuckets() {
    for (int i = 0; i < 40; i++) {
      limiter.take("dave", 1);
    }
    assertThat(limiter.take("dave", 1)).isPositive();
    assertThat(limiter.take("erin", 1)).isZero();
  }

  @Test
  void aSlowRateAdvisesAWaitOfWholeMilliseconds() {
    LocalBuckets slow = new LocalBuckets(new Rate(1, 3, Duration.ofSeconds(1)), now::get);
    assertThat(slow.take("frank", 1)).isZero();
    assertThat(slow.take("frank", 1)).isEqualTo(334);
  }

  @Test
  void aCostTakesThatManyTokensOrNoneAndAdvisesTheWaitForAllOfThem() {
    // 3,600 bytes an hour: one byte a second
    LocalBuckets bytes = new LocalBuckets(Rate.of(3600, Duration.ofHours(1)), now::get);
    assertThat(bytes.take("gina", 3000)).isZero();
    assertThat(bytes.take("gina", 1000)).as("400 short: 400 s").isEqualTo(400_000);
    assertThat(bytes.take("gina", 600)).as("the refusal took nothing").isZero();
  }

  @Test
  void rateAndBurstMustBePositive() {
    assertThatThrownBy(() -> new Rate(0, 1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Rate(1, 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Rate(1, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
