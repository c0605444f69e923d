package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.nats.client.Dispatcher;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** typing.start / typing.stop across two gateways: co-members only, never the typer, lapses, renewals. */
class TypingIntegrationTests extends OnTwoNodes {
  /** Shorter than the 5 s default, so a lapse is quick to see. */
  private static final Duration LAPSE = Duration.ofSeconds(2);

  private static final Duration RENEW = Duration.ofSeconds(1);
  private static final Duration CROSS_NODE = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(5);

  TypingIntegrationTests(TestEnvironment env) {
    super(
        env,
        Map.of(
            "PARLEY_TYPING_LAPSE", LAPSE.toMillis() + "ms",
            "PARLEY_TYPING_RENEW_INTERVAL", RENEW.toMillis() + "ms"));
  }

  private static JsonObject typing(String type, String id, String conversationId) {
    JsonObject frame =
        new JsonObject()
            .put("type", type)
            .put("data", new JsonObject().put("conversation_id", conversationId));
    return id == null ? frame : frame.put("id", id);
  }

  private static Predicate<JsonObject> ackOf(String id) {
    return f -> "ack".equals(f.getString("type")) && id.equals(f.getString("id"));
  }

  private static Predicate<JsonObject> errorOf(String id) {
    return f -> "error".equals(f.getString("type")) && id.equals(f.getString("id"));
  }

  private static Predicate<JsonObject> indicator(String userId, boolean typing) {
    return f ->
        "typing.indicator".equals(f.getString("type"))
            && userId.equals(f.getJsonObject("data").getString("user_id"))
            && f.getJsonObject("data").getBoolean("typing") == typing;
  }

  @Test
  void typingReachesCoMembersOnTheOtherNodeNeverTheTypersOwnConnectionsNorStrangers() {
    Cast c = cast("typing");
    String subject = env.nats().subjectPrefix() + ".conv." + c.conversationId() + ".typing";
    List<JsonObject> integrator = new CopyOnWriteArrayList<>();
    Dispatcher tap =
        env.natsConnection()
            .createDispatcher(
                msg ->
                    integrator.add(
                        new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8))));
    tap.subscribe(subject);

    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient aliceOnB = onB(c.aliceToken());
        WsClient bobOnB = onB(c.bobToken());
        WsClient bobOnA = onA(c.bobToken());
        WsClient carolOnA = onA(c.carolToken());
        WsClient carolOnB = onB(c.carolToken())) {
      aliceOnA.send(typing("typing.start", "t1", c.conversationId()));
      assertThat(aliceOnA.awaitOne(ackOf("t1"), WAIT).getJsonObject("data"))
          .isEqualTo(new JsonObject());

      JsonObject started = bobOnB.awaitOne(indicator(c.alice(), true), CROSS_NODE);
      assertThat(started)
          .isEqualTo(
              new JsonObject()
                  .put("type", "typing.indicator")
                  .put(
                      "data",
                      new JsonObject()
                          .put("conversation_id", c.conversationId())
                          .put("user_id", c.alice())
                          .put("typing", true)));
      bobOnA.awaitOne(indicator(c.alice(), true), CROSS_NODE);

      aliceOnA.send(typing("typing.stop", "t2", c.conversationId()));
      aliceOnA.awaitOne(ackOf("t2"), WAIT);
      bobOnB.awaitOne(indicator(c.alice(), false), CROSS_NODE);
      bobOnA.awaitOne(indicator(c.alice(), false), CROSS_NODE);

      // the same node delivered both indicators to these connections, or would have
      for (WsClient notForThem : List.of(aliceOnA, aliceOnB, carolOnA, carolOnB)) {
        assertThat(notForThem.framesOfType("typing.indicator")).isEmpty();
      }
      assertThat(bobOnB.framesOfType("typing.indicator")).hasSize(2);
      Await.until(
          () -> integrator.size() >= 2 ? integrator : null,
          System.nanoTime() + WAIT.toNanos(),
          integrator::toString);
      assertThat(integrator)
          .containsExactly(started, bobOnB.framesOfType("typing.indicator").get(1));
    } finally {
      env.natsConnection().closeDispatcher(tap);
    }
  }

  @Test
  void aNonMemberGets404AndABadFrame400() {
    Cast c = cast("typing");
    try (WsClient carol = onA(c.carolToken());
        WsClient bobOnB = onB(c.bobToken())) {
      carol.send(typing("typing.start", "n1", c.conversationId()));
      assertThat(carol.awaitOne(errorOf("n1"), WAIT).getJsonObject("data").getString("code"))
          .isEqualTo("not_found");
      carol.send(typing("typing.start", "n2", "AAAAAAAAAAAAAAAAAAAAAA"));
      assertThat(carol.awaitOne(errorOf("n2"), WAIT).getJsonObject("data").getString("code"))
          .isEqualTo("not_found");
      carol.send(
          new JsonObject()
              .put("type", "typing.stop")
              .put("id", "n3")
              .put("data", new JsonObject()));
      assertThat(carol.awaitOne(errorOf("n3"), WAIT).getJsonObject("data").getString("code"))
          .isEqualTo("invalid_argument");
      carol.send(
          new JsonObject()
              .put("type", "typing.start")
              .put("id", "n4")
              .put("data", new JsonObject().put("conversation_id", 42)));
      assertThat(carol.awaitOne(errorOf("n4"), WAIT).getJsonObject("data").getString("code"))
          .isEqualTo("invalid_argument");

      // a member's indicator after the refused ones is the first (and only) thing bob sees
      try (WsClient alice = onA(c.aliceToken())) {
        alice.send(typing("typing.start", null, c.conversationId()));
        bobOnB.awaitOne(f -> "typing.indicator".equals(f.getString("type")), CROSS_NODE);
      }
      assertThat(bobOnB.framesOfType("typing.indicator"))
          .allSatisfy(
              f ->
                  assertThat(f.getJsonObject("data").getString("user_id")).isNotEqualTo(c.carol()));
      assertThat(carol.closeCode()).isNull();
    }
  }

  @Test
  void anIndicatorThatIsNotRenewedLapsesWithTypingFalse() {
    Cast c = cast("typing");
    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient bobOnB = onB(c.bobToken())) {
      aliceOnA.send(typing("typing.start", "l1", c.conversationId()));
      aliceOnA.awaitOne(ackOf("l1"), WAIT);
      long acked = System.nanoTime();
      bobOnB.awaitOne(indicator(c.alice(), true), CROSS_NODE);

      bobOnB.awaitOne(indicator(c.alice(), false), LAPSE.plus(WAIT));
      Duration lapsedAfter = Duration.ofNanos(System.nanoTime() - acked);

      assertThat(lapsedAfter).isGreaterThanOrEqualTo(LAPSE.minusMillis(100));
      assertThat(bobOnB.framesOfType("typing.indicator")).hasSize(2);
    }
  }

  @Test
  void renewalsWithinTheRenewIntervalAreAckedButNotForwarded() {
    Cast c = cast("typing");
    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient bobOnB = onB(c.bobToken())) {
      long first = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        aliceOnA.send(typing("typing.start", "r" + i, c.conversationId()));
      }
      aliceOnA.await(f -> "ack".equals(f.getString("type")), 10, WAIT);
      assertThat(Duration.ofNanos(System.nanoTime() - first))
          .as("all ten within one renew interval")
          .isLessThan(RENEW);
      aliceOnA.send(typing("typing.stop", "r-stop", c.conversationId()));
      aliceOnA.awaitOne(ackOf("r-stop"), WAIT);

      bobOnB.awaitOne(indicator(c.alice(), false), CROSS_NODE);
      assertThat(bobOnB.framesOfType("typing.indicator"))
          .extracting(f -> f.getJsonObject("data").getBoolean("typing"))
          .containsExactly(true, false);
    }
  }

  @Test
  void aClientTogglingFastCostsReceiversAtMostOneIndicatorPerGapAndTheLastStateWins() {
    Cast c = cast("typing");
    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient bobOnB = onB(c.bobToken())) {
      long first = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        aliceOnA.send(
            typing(i % 2 == 0 ? "typing.start" : "typing.stop", "x" + i, c.conversationId()));
      }
      aliceOnA.await(f -> "ack".equals(f.getString("type")), 20, WAIT);
      long toggling = System.nanoTime() - first;

      bobOnB.awaitOne(indicator(c.alice(), false), CROSS_NODE);
      List<Boolean> seen =
          bobOnB.framesOfType("typing.indicator").stream()
              .map(f -> f.getJsonObject("data").getBoolean("typing"))
              .toList();
      // one publish per 250 ms gap at most, and the last frame (a stop) is what receivers end with
      assertThat(seen.size()).isLessThanOrEqualTo(2 + (int) (toggling / 250_000_000L) + 1);
      assertThat(seen.get(0)).isTrue();
      assertThat(seen.get(seen.size() - 1)).isFalse();
      for (int i = 1; i < seen.size(); i++) {
        assertThat(seen.get(i)).as("indicators alternate").isNotEqualTo(seen.get(i - 1));
      }
    }
  }

  @Test
  void aRenewalAfterTheRenewIntervalIsForwardedAndKeepsTheIndicatorAlive() {
    Cast c = cast("typing");
    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient bobOnB = onB(c.bobToken())) {
      aliceOnA.send(typing("typing.start", "k1", c.conversationId()));
      bobOnB.awaitOne(indicator(c.alice(), true), CROSS_NODE);
      long firstSeen = System.nanoTime();
      // renew until a second "true" arrives: at the earliest one renew interval after the first
      List<JsonObject> trues =
          Await.until(
              () -> {
                aliceOnA.send(typing("typing.start", null, c.conversationId()));
                List<JsonObject> seen = bobOnB.framesOfType("typing.indicator");
                return seen.size() >= 2 ? seen : null;
              },
              System.nanoTime() + WAIT.toNanos(),
              () -> "no renewal forwarded");
      assertThat(Duration.ofNanos(System.nanoTime() - firstSeen))
          .isGreaterThanOrEqualTo(RENEW.minusMillis(100));
      assertThat(trues)
          .allSatisfy(f -> assertThat(f.getJsonObject("data").getBoolean("typing")).isTrue());
    }
  }

  /**
   * The connection is registered before the handshake answers: an indicator another gateway
   * publishes the instant the client sees its connection open still reaches it. Many rounds, since
   * a gap between the answer and the registration would lose only some of them.
   */
  @Test
  void anIndicatorPublishedTheInstantAConnectionOpensReachesIt() {
    Cast c = cast("typing");
    String subject = env.nats().subjectPrefix() + ".conv." + c.conversationId() + ".typing";
    byte[] fromAnotherGateway =
        new JsonObject()
            .put("type", "typing.indicator")
            .put(
                "data",
                new JsonObject()
                    .put("conversation_id", c.conversationId())
                    .put("user_id", c.alice())
                    .put("typing", true))
            .toBuffer()
            .getBytes();
    for (int round = 0; round < 40; round++) {
      try (WsClient bobOnB =
          onB(c.bobToken(), () -> env.natsConnection().publish(subject, fromAnotherGateway))) {
        bobOnB.awaitOne(indicator(c.alice(), true), CROSS_NODE);
      }
    }
  }

  @Test
  void aTyperWhoDisconnectsEndsTheIndicatorAtOnce() {
    Cast c = cast("typing");
    try (WsClient bobOnB = onB(c.bobToken())) {
      WsClient aliceOnA = onA(c.aliceToken());
      aliceOnA.send(typing("typing.start", "d1", c.conversationId()));
      bobOnB.awaitOne(indicator(c.alice(), true), CROSS_NODE);

      long closed = System.nanoTime();
      aliceOnA.close();
      bobOnB.awaitOne(indicator(c.alice(), false), CROSS_NODE);

      assertThat(Duration.ofNanos(System.nanoTime() - closed))
          .as("ended by the disconnect, not the lapse")
          .isLessThan(LAPSE);
    }
  }
}
