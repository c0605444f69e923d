package dev.parley.gateway.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendRateLimiterUnitTests {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final SendRateLimiter limiter = new SendRateLimiter(20, 40, now::get);

  private void advanceMillis(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void aBurstGoesThroughThenTheNextSendWaitsForOneToken() {
    for (int i = 0; i < 40; i++) {
      assertThat(limiter.tryAcquire("alice")).as("send %d of the burst", i + 1).isZero();
    }
    // 20 per second: one token every 50 ms
    assertThat(limiter.tryAcquire("alice")).isEqualTo(50);
    advanceMillis(20);
    assertThat(limiter.tryAcquire("alice")).as("a refused send takes nothing").isEqualTo(30);
    advanceMillis(30);
    assertThat(limiter.tryAcquire("alice")).isZero();
    assertThat(limiter.tryAcquire("alice")).isEqualTo(50);
  }

  @Test
  void theRateHoldsOverTime() {
    for (int i = 0; i < 40; i++) {
      limiter.tryAcquire("bob");
    }
    int allowed = 0;
    for (int ms = 0; ms < 10_000; ms += 10) {
      advanceMillis(10);
      if (limiter.tryAcquire("bob") == 0) {
        allowed++;
      }
    }
    assertThat(allowed).isBetween(199, 201);
  }

  @Test
  void anIdleBucketRefillsOnlyUpToTheBurst() {
    for (int i = 0; i < 40; i++) {
      limiter.tryAcquire("carol");
    }
    advanceMillis(60_000);
    for (int i = 0; i < 40; i++) {
      assertThat(limiter.tryAcquire("carol")).isZero();
    }
    assertThat(limiter.tryAcquire("carol")).isPositive();
  }

  @Test
  void usersHaveTheirOwnBuckets() {
    for (int i = 0; i < 40; i++) {
      limiter.tryAcquire("dave");
    }
    assertThat(limiter.tryAcquire("dave")).isPositive();
    assertThat(limiter.tryAcquire("erin")).isZero();
  }

  @Test
  void aSlowRateAdvisesAWaitOfWholeMilliseconds() {
    SendRateLimiter slow = new SendRateLimiter(3, 1, now::get);
    assertThat(slow.tryAcquire("frank")).isZero();
    assertThat(slow.tryAcquire("frank")).isEqualTo(334);
  }

  @Test
  void rateAndBurstMustBePositive() {
    assertThatThrownBy(() -> new SendRateLimiter(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SendRateLimiter(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
