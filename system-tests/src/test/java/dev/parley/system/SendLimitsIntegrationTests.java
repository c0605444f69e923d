package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Content size (16 KiB of UTF-8, the default) and the send rate, here lowered to 1 per second with
 * bursts of 3 (PARLEY_SEND_RATE_PER_SECOND, PARLEY_SEND_BURST) so a test can reach it reliably.
 */
class SendLimitsIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(2);
  private static final int LIMIT = 16 * 1024;

  SendLimitsIntegrationTests(TestEnvironment env) {
    super(env, Map.of("PARLEY_SEND_RATE_PER_SECOND", "1", "PARLEY_SEND_BURST", "3"));
  }

  private static JsonObject sendFrame(String id, String conversationId, String content) {
    return new JsonObject()
        .put("type", "message.send")
        .put("id", id)
        .put(
            "data",
            new JsonObject().put("conversation_id", conversationId).put("content", content));
  }

  @Test
  void contentOver16KiBOfUtf8IsTooLargeOnRestAndWebSocket() {
    Cast c = cast("sizes");
    String exactly = "€".repeat(LIMIT / 3) + "x"; // 16,383 + 1 bytes
    Api.Reply fits = nodes.apiA.send(c.aliceToken(), c.conversationId(), exactly, null);
    assertThat(fits.status()).isEqualTo(201);
    assertThat(fits.body().getString("content")).isEqualTo(exactly);

    Api.Reply over = nodes.apiA.send(c.aliceToken(), c.conversationId(), exactly + "y", null);
    assertThat(over.status()).isEqualTo(413);
    assertThat(over.body().getJsonObject("error").getString("code")).isEqualTo("too_large");

    try (WsClient ws = onB(c.bobToken())) {
      ws.send(sendFrame("big", c.conversationId(), "a".repeat(LIMIT + 1)));
      JsonObject error = ws.awaitOne(f -> "big".equals(f.getString("id")), WAIT);
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getJsonObject("data").getString("code")).isEqualTo("too_large");
      assertThat(ws.closeCode()).as("the connection stays open").isNull();
      assertThat(ws.framesOfType("message.new")).as("nothing was sent").isEmpty();
    }
  }

  @Test
  void restSendsPastTheBurstAre429WithRetryAfterUntilATokenComesBack() {
    Cast c = cast("rest rate");
    try (WsClient bobOnB = onB(c.bobToken())) {
      for (int i = 0; i < 3; i++) {
        assertThat(nodes.apiA.send(c.aliceToken(), c.conversationId(), "burst " + i, null).status())
            .isEqualTo(201);
      }
      Api.Reply limited = nodes.apiA.send(c.aliceToken(), c.conversationId(), "one too many", null);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.body().getJsonObject("error").getString("code")).isEqualTo("rate_limited");
      assertThat(limited.headers().get("Retry-After"))
          .as("whole seconds, rounded up")
          .isEqualTo("1");

      // a refused send costs nothing: retrying until it goes through takes about one refill
      long deadline = System.nanoTime() + Duration.ofMillis(2500).toNanos();
      Api.Reply later =
          Await.until(
              () -> {
                Api.Reply r =
                    nodes.apiA.send(c.aliceToken(), c.conversationId(), "after the wait", null);
                return r.status() == 429 ? null : r;
              },
              deadline,
              () -> "still rate limited");
      assertThat(later.status()).isEqualTo(201);

      bobOnB.await(f -> "message.new".equals(f.getString("type")), 4, WAIT);
      assertThat(bobOnB.framesOfType("message.new"))
          .extracting(f -> f.getJsonObject("data").getString("content"))
          .containsExactly("burst 0", "burst 1", "burst 2", "after the wait");
    }
  }

  @Test
  void webSocketSendsPastTheBurstGetARateLimitedErrorWithRetryAfterMs() {
    Cast c = cast("ws rate");
    try (WsClient bobOnB = onB(c.bobToken())) {
      for (int i = 0; i < 4; i++) {
        bobOnB.send(sendFrame("s" + i, c.conversationId(), "ws " + i));
      }
      JsonObject error = bobOnB.awaitOne(f -> "error".equals(f.getString("type")), WAIT);
      assertThat(error.getString("id")).isEqualTo("s3");
      assertThat(error.getJsonObject("data").getString("code")).isEqualTo("rate_limited");
      assertThat(error.getJsonObject("data").getLong("retry_after_ms")).isBetween(1L, 1000L);
      assertThat(bobOnB.await(f -> "ack".equals(f.getString("type")), 3, WAIT))
          .extracting(f -> f.getString("id"))
          .containsExactlyInAnyOrder("s0", "s1", "s2");
      assertThat(bobOnB.closeCode()).isNull();

      // the bucket is the user's across the cluster: the other node refuses too
      Api.Reply viaA = nodes.apiA.send(c.bobToken(), c.conversationId(), "via node A", null);
      assertThat(viaA.status()).isEqualTo(429);
      assertThat(viaA.body().getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    }
  }

  @Test
  void usersHaveTheirOwnLimit() {
    Cast c = cast("per user");
    for (int i = 0; i < 3; i++) {
      nodes.apiB.send(c.aliceToken(), c.conversationId(), "alice " + i, null);
    }
    assertThat(nodes.apiB.send(c.aliceToken(), c.conversationId(), "alice again", null).status())
        .isEqualTo(429);
    assertThat(nodes.apiB.send(c.bobToken(), c.conversationId(), "bob", null).status())
        .isEqualTo(201);
  }
}
