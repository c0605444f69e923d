package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md, fine points of delivery: beyond the stream's duplicate window (one second here) a
 * resend is found in Postgres, so it still returns the original and never makes a second message;
 * many at once (looked up together) each find their own.
 */
class ResendBeyondWindowIntegrationTests extends OnTwoNodes {
  private static final Duration WINDOW = Duration.ofSeconds(1);

  ResendBeyondWindowIntegrationTests(TestEnvironment env) {
    super(env, Map.of("PARLEY_DEDUP_WINDOW", "1s"));
  }

  @Test
  void resendsBeyondTheWindowReturnTheirOriginalsFromPostgres() throws Exception {
    String alice = env.newId("alice");
    String token = nodes.apiA.devToken(alice);
    String conversationId =
        nodes.apiA.createGroup(token, "late", List.of(env.newId("bob"))).getString("id");
    int keys = 40;
    List<Api.Reply> originals = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      Api.Reply r = nodes.apiA.send(token, conversationId, "original " + i, "late-" + i);
      assertThat(r.status()).isEqualTo(201);
      originals.add(r);
    }
    long lastSentAt = System.nanoTime();
    Rows.awaitCount(pool(), conversationId, keys, Duration.ofSeconds(20));
    // the stream has forgotten every key: only Postgres can tell a resend now
    Await.until(
        "the duplicate window has passed",
        Duration.ofSeconds(10),
        () -> System.nanoTime() - lastSentAt > WINDOW.multipliedBy(2).toNanos());

    ExecutorService senders = Executors.newFixedThreadPool(16);
    try {
      List<Future<Api.Reply>> resent = new ArrayList<>();
      for (int i = 0; i < keys; i++) {
        Api api = i % 2 == 0 ? nodes.apiA : nodes.apiB;
        int n = i;
        resent.add(
            senders.submit(() -> api.send(token, conversationId, "again " + n, "late-" + n)));
      }
      List<Future<Api.Reply>> fresh = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Api api = i % 2 == 0 ? nodes.apiB : nodes.apiA;
        int n = i;
        fresh.add(senders.submit(() -> api.send(token, conversationId, "new " + n, "new-" + n)));
      }
      for (int i = 0; i < keys; i++) {
        Api.Reply r = resent.get(i).get();
        assertThat(r.status()).as("resend %d", i).isEqualTo(200);
        assertThat(r.body().getString("id")).isEqualTo(originals.get(i).body().getString("id"));
        assertThat(r.body().getLong("seq")).isEqualTo(originals.get(i).body().getLong("seq"));
        assertThat(r.body().getString("content")).isEqualTo("original " + i);
      }
      for (Future<Api.Reply> f : fresh) {
        assertThat(f.get().status()).isEqualTo(201);
      }
    } finally {
      senders.shutdown();
    }
    List<Rows.Stored> stored =
        Rows.awaitCount(pool(), conversationId, keys + 4, Duration.ofSeconds(20));
    assertThat(stored).hasSize(keys + 4);
  }
}
