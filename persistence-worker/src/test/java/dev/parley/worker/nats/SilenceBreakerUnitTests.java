package dev.parley.worker.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SilenceBreakerUnitTests {
  private final AtomicLong now = new AtomicLong(1_000);
  private final AtomicReference<Connection.Status> status =
      new AtomicReference<>(Connection.Status.CONNECTED);
  private final AtomicInteger reconnects = new AtomicInteger();
  private final SilenceBreaker breaker =
      new SilenceBreaker(
          status::get, reconnects::incrementAndGet, Duration.ofSeconds(10), now::get);

  @Test
  void reconnectsOnceSilentForThePatienceWhileConnected() throws Exception {
    assertThat(breaker.noAnswer()).isFalse();
    advance(Duration.ofSeconds(9));
    assertThat(breaker.noAnswer()).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(breaker.noAnswer()).isTrue();
    assertThat(reconnects).hasValue(1);
    // the count starts again: no reconnect storm while the new socket settles
    advance(Duration.ofSeconds(2));
    assertThat(breaker.noAnswer()).isFalse();
    assertThat(reconnects).hasValue(1);
  }

  @Test
  void anAnswerEndsTheSilence() throws Exception {
    breaker.noAnswer();
    advance(Duration.ofSeconds(8));
    breaker.answered();
    advance(Duration.ofSeconds(8));
    assertThat(breaker.noAnswer()).isFalse();
    advance(Duration.ofSeconds(9));
    assertThat(breaker.noAnswer()).isFalse();
    assertThat(reconnects).hasValue(0);
  }

  @Test
  void silenceWhileDisconnectedIsTheClientLibrarys() throws Exception {
    status.set(Connection.Status.RECONNECTING);
    breaker.noAnswer();
    advance(Duration.ofSeconds(30));
    assertThat(breaker.noAnswer()).isFalse();
    status.set(Connection.Status.CONNECTED);
    // silence counts from the first unanswered request on the connected connection
    assertThat(breaker.noAnswer()).isFalse();
    advance(Duration.ofSeconds(5));
    assertThat(breaker.noAnswer()).isFalse();
    assertThat(reconnects).hasValue(0);
  }

  @Test
  void aFailedReconnectIsReportedNotThrown() throws Exception {
    SilenceBreaker failing =
        new SilenceBreaker(
            status::get,
            () -> {
              throw new IllegalStateException("closed");
            },
            Duration.ofSeconds(1),
            now::get);
    failing.noAnswer();
    advance(Duration.ofSeconds(1));
    assertThat(failing.noAnswer()).isTrue();
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }
}
