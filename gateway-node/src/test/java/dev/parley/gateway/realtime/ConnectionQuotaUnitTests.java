package dev.parley.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionQuotaUnitTests {

  @Test
  void aUserGetsAtMostTheCapAndAPlaceBackWhenOneCloses() {
    ConnectionQuota quota = new ConnectionQuota(2);
    assertThat(quota.tryAcquire("alice")).isTrue();
    assertThat(quota.tryAcquire("alice")).isTrue();
    assertThat(quota.tryAcquire("alice")).isFalse();
    assertThat(quota.tryAcquire("bob")).as("another user has places of their own").isTrue();
    quota.release("alice");
    assertThat(quota.tryAcquire("alice")).isTrue();
    assertThat(quota.tryAcquire("alice")).isFalse();
  }

  @Test
  void concurrentHandshakesNeverTakeMoreThanTheCap() throws Exception {
    ConnectionQuota quota = new ConnectionQuota(16);
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < 200; i++) {
        pool.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (quota.tryAcquire("alice")) {
                granted.incrementAndGet();
              }
            });
      }
      start.countDown();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(granted.get()).isEqualTo(16);
  }
}
