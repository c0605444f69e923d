package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.nats.client.Dispatcher;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** typing.start / typing.stop across two gateways: co-members only, never the typer, lapses, renewals. */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypingIntegrationTests {
  /** Shorter than the 5 s default, so a lapse is quick to see. */
  private static final Duration LAPSE = Duration.ofSeconds(2);
  private static final Duration RENEW = Duration.ofSeconds(1);
  private static final Duration CROSS_NODE = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final TestEnvironment env;
  private TwoNodes nodes;

  TypingIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void startCluster() {
    nodes = TwoNodes.start(env, Map.of(
        "PARLEY_TYPING_LAPSE", LAPSE.toMillis() + "ms",
        "PARLEY_TYPING_RENEW_INTERVAL", RENEW.toMillis() + "ms"));
  }

  @AfterAll
  void stopCluster() {
    nodes.close();
  }

  private WsClient onA(String token) {
    return WsClient.connect(nodes.vertx, nodes.cluster.gateway(0).port(), token);
  }

  private WsClient onB(String token) {
    return WsClient.connect(nodes.vertx, nodes.cluster.gateway(1).port(), token);
  }

  private static JsonObject typing(String type, String id, String conversationId) {
    JsonObject frame = new JsonObject().put("type", type).put("data", new JsonObject().put("conversation_id", conversationId));
    return id == null ? frame : frame.put("id", id);
  }

  private static Predicate<JsonObject> ackOf(String id) {
    return f -> "ack".equals(f.getString("type")) && id.equals(f.getString("id"));
  }

  private static Predicate<JsonObject> errorOf(String id) {
    return f -> "error".equals(f.getString("type")) && id.equals(f.getString("id"));
  }

  private static Predicate<JsonObject> indicator(String userId, boolean typing) {
    return f -> "typing.indicator".equals(f.getString("type"))
        && userId.equals(f.getJsonObject("data").getString("user_id"))
        && f.getJsonObject("data").getBoolean("typing") == typing;
  }

  /** A group of the given users (the first is its owner), and their tokens. */
  private record Group(String id, List<String> tokens) {}

  private Group group(String... users) {
    List<String> tokens = java.util.Arrays.stream(users).map(nodes.apiA::devToken).toList();
    String id = nodes.apiA.createGroup(tokens.get(0), "typing", List.of(users).subList(1, users.length)).getString("id");
    return new Group(id, tokens);
  }

  @Test
  void typingReachesCoMembersOnTheOtherNodeNeverTheTypersOwnConnectionsNorStrangers() {
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String carol = env.newId("carol");
    Group g = group(alice, bob);
    String carolToken = nodes.apiA.devToken(carol);
    String subject = env.nats().subjectPrefix() + ".conv." + g.id() + ".typing";
    List<JsonObject> integrator = new CopyOnWriteArrayList<>();
    Dispatcher tap = env.natsConnection().createDispatcher(msg -> integrator.add(new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8))));
    tap.subscribe(subject);

    try (WsClient aliceOnA = onA(g.tokens().get(0));
         WsClient aliceOnB = onB(g.tokens().get(0));
         WsClient bobOnB = onB(g.tokens().get(1));
         WsClient bobOnA = onA(g.tokens().get(1));
         WsClient carolOnA = onA(carolToken);
         WsClient carolOnB = onB(carolToken)) {
      aliceOnA.send(typing("typing.start", "t1", g.id()));
      assertThat(aliceOnA.awaitOne(ackOf("t1"), WAIT).getJsonObject("data")).isEqualTo(new JsonObject());

      JsonObject started = bobOnB.awaitOne(indicator(alice, true), CROSS_NODE);
      assertThat(started).isEqualTo(new JsonObject().put("type", "typing.indicator").put("data", new JsonObject()
          .put("conversation_id", g.id()).put("user_id", alice).put("typing", true)));
      bobOnA.awaitOne(indicator(alice, true), CROSS_NODE);

      aliceOnA.send(typing("typing.stop", "t2", g.id()));
      aliceOnA.awaitOne(ackOf("t2"), WAIT);
      bobOnB.awaitOne(indicator(alice, false), CROSS_NODE);
      bobOnA.awaitOne(indicator(alice, false), CROSS_NODE);

      // the same node delivered both indicators to these connections, or would have
      for (WsClient notForThem : List.of(aliceOnA, aliceOnB, carolOnA, carolOnB)) {
        assertThat(notForThem.framesOfType("typing.indicator")).isEmpty();
      }
      assertThat(bobOnB.framesOfType("typing.indicator")).hasSize(2);
      Await.until(() -> integrator.size() >= 2 ? integrator : null, System.nanoTime() + WAIT.toNanos(), integrator::toString);
      assertThat(integrator).containsExactly(started, bobOnB.framesOfType("typing.indicator").get(1));
    } finally {
      env.natsConnection().closeDispatcher(tap);
    }
  }

  @Test
  void aNonMemberGets404AndABadFrame400() {
    Group g = group(env.newId("dan"), env.newId("erin"));
    String frankId = env.newId("frank");
    String frankToken = nodes.apiA.devToken(frankId);
    try (WsClient frank = onA(frankToken); WsClient erinOnB = onB(g.tokens().get(1))) {
      frank.send(typing("typing.start", "n1", g.id()));
      assertThat(frank.awaitOne(errorOf("n1"), WAIT).getJsonObject("data").getString("code")).isEqualTo("not_found");
      frank.send(typing("typing.start", "n2", "AAAAAAAAAAAAAAAAAAAAAA"));
      assertThat(frank.awaitOne(errorOf("n2"), WAIT).getJsonObject("data").getString("code")).isEqualTo("not_found");
      frank.send(new JsonObject().put("type", "typing.stop").put("id", "n3").put("data", new JsonObject()));
      assertThat(frank.awaitOne(errorOf("n3"), WAIT).getJsonObject("data").getString("code")).isEqualTo("invalid_argument");
      frank.send(new JsonObject().put("type", "typing.start").put("id", "n4").put("data", new JsonObject().put("conversation_id", 42)));
      assertThat(frank.awaitOne(errorOf("n4"), WAIT).getJsonObject("data").getString("code")).isEqualTo("invalid_argument");

      // a member's indicator after the refused ones is the first (and only) thing erin sees
      try (WsClient dan = onA(g.tokens().get(0))) {
        dan.send(typing("typing.start", null, g.id()));
        erinOnB.awaitOne(f -> "typing.indicator".equals(f.getString("type")), CROSS_NODE);
      }
      assertThat(erinOnB.framesOfType("typing.indicator")).allSatisfy(f ->
          assertThat(f.getJsonObject("data").getString("user_id")).isNotEqualTo(frankId));
      assertThat(frank.closeCode()).isNull();
    }
  }

  @Test
  void anIndicatorThatIsNotRenewedLapsesWithTypingFalse() {
    String gina = env.newId("gina");
    String hank = env.newId("hank");
    Group g = group(gina, hank);
    try (WsClient ginaOnA = onA(g.tokens().get(0)); WsClient hankOnB = onB(g.tokens().get(1))) {
      ginaOnA.send(typing("typing.start", "l1", g.id()));
      ginaOnA.awaitOne(ackOf("l1"), WAIT);
      long acked = System.nanoTime();
      hankOnB.awaitOne(indicator(gina, true), CROSS_NODE);

      hankOnB.awaitOne(indicator(gina, false), LAPSE.plus(WAIT));
      Duration lapsedAfter = Duration.ofNanos(System.nanoTime() - acked);

      assertThat(lapsedAfter).isGreaterThanOrEqualTo(LAPSE.minusMillis(100));
      assertThat(hankOnB.framesOfType("typing.indicator")).hasSize(2);
    }
  }

  @Test
  void renewalsWithinTheRenewIntervalAreAckedButNotForwarded() {
    String ivy = env.newId("ivy");
    String jack = env.newId("jack");
    Group g = group(ivy, jack);
    try (WsClient ivyOnA = onA(g.tokens().get(0)); WsClient jackOnB = onB(g.tokens().get(1))) {
      long first = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        ivyOnA.send(typing("typing.start", "r" + i, g.id()));
      }
      ivyOnA.await(f -> "ack".equals(f.getString("type")), 10, WAIT);
      assertThat(Duration.ofNanos(System.nanoTime() - first)).as("all ten within one renew interval").isLessThan(RENEW);
      ivyOnA.send(typing("typing.stop", "r-stop", g.id()));
      ivyOnA.awaitOne(ackOf("r-stop"), WAIT);

      jackOnB.awaitOne(indicator(ivy, false), CROSS_NODE);
      assertThat(jackOnB.framesOfType("typing.indicator")).extracting(f -> f.getJsonObject("data").getBoolean("typing"))
          .containsExactly(true, false);
    }
  }

  @Test
  void aClientTogglingFastCostsReceiversAtMostOneIndicatorPerGapAndTheLastStateWins() {
    String oz = env.newId("oz");
    String pia = env.newId("pia");
    Group g = group(oz, pia);
    try (WsClient ozOnA = onA(g.tokens().get(0)); WsClient piaOnB = onB(g.tokens().get(1))) {
      long first = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        ozOnA.send(typing(i % 2 == 0 ? "typing.start" : "typing.stop", "x" + i, g.id()));
      }
      ozOnA.await(f -> "ack".equals(f.getString("type")), 20, WAIT);
      long toggling = System.nanoTime() - first;

      piaOnB.awaitOne(indicator(oz, false), CROSS_NODE);
      List<Boolean> seen = piaOnB.framesOfType("typing.indicator").stream()
          .map(f -> f.getJsonObject("data").getBoolean("typing")).toList();
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
    String kim = env.newId("kim");
    String lee = env.newId("lee");
    Group g = group(kim, lee);
    try (WsClient kimOnA = onA(g.tokens().get(0)); WsClient leeOnB = onB(g.tokens().get(1))) {
      kimOnA.send(typing("typing.start", "k1", g.id()));
      leeOnB.awaitOne(indicator(kim, true), CROSS_NODE);
      long firstSeen = System.nanoTime();
      // renew until a second "true" arrives: at the earliest one renew interval after the first
      List<JsonObject> trues = Await.until(() -> {
        kimOnA.send(typing("typing.start", null, g.id()));
        List<JsonObject> seen = leeOnB.framesOfType("typing.indicator");
        return seen.size() >= 2 ? seen : null;
      }, System.nanoTime() + WAIT.toNanos(), () -> "no renewal forwarded");
      assertThat(Duration.ofNanos(System.nanoTime() - firstSeen)).isGreaterThanOrEqualTo(RENEW.minusMillis(100));
      assertThat(trues).allSatisfy(f -> assertThat(f.getJsonObject("data").getBoolean("typing")).isTrue());
    }
  }

  @Test
  void aTyperWhoDisconnectsEndsTheIndicatorAtOnce() {
    String mia = env.newId("mia");
    String ned = env.newId("ned");
    Group g = group(mia, ned);
    try (WsClient nedOnB = onB(g.tokens().get(1))) {
      WsClient miaOnA = onA(g.tokens().get(0));
      miaOnA.send(typing("typing.start", "d1", g.id()));
      nedOnB.awaitOne(indicator(mia, true), CROSS_NODE);

      long closed = System.nanoTime();
      miaOnA.close();
      nedOnB.awaitOne(indicator(mia, false), CROSS_NODE);

      assertThat(Duration.ofNanos(System.nanoTime() - closed)).as("ended by the disconnect, not the lapse").isLessThan(LAPSE);
    }
  }
}
