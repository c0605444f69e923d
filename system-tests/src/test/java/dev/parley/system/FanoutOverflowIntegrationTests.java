package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.TestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fan-out's hand-off from NATS to its event loop, and what a conversation holds back, are
 * bounded (here: 1 entry waiting, 2 held), so a burst overflows both at once. Live copies past the
 * bound are dropped and the conversation is read back from the stream: every connection still gets
 * every message once, in order, with a gapless {@code prev_seq} chain.
 */
class FanoutOverflowIntegrationTests extends OnTwoNodes {
  private static final int SENDERS = 2;
  private static final int PER_SENDER = 150;
  private static final int TOTAL = SENDERS * PER_SENDER;

  FanoutOverflowIntegrationTests(TestEnvironment env) {
    super(env, Map.of("PARLEY_FANOUT_QUEUE_MAX", "1", "PARLEY_FANOUT_HELD_MAX", "2"));
  }

  @Test
  void aBurstPastTheBoundsReachesEveryConnectionOnceInOrderThroughTheStream() {
    Cast cast = castWithCarol("burst");
    List<WsClient> readers = new ArrayList<>();
    List<WsClient> senders = new ArrayList<>();
    try {
      readers.add(onB(cast.carolToken()));
      readers.add(onB(cast.bobToken()));
      readers.add(onA(cast.carolToken()));
      senders.add(onA(cast.aliceToken()));
      senders.add(onA(cast.bobToken()));
      warm(cast);
      long started = System.nanoTime();
      // every frame written at once: the gateway publishes them concurrently, the stream
      // republishes a burst
      for (int n = 0; n < PER_SENDER; n++) {
        for (int s = 0; s < SENDERS; s++) {
          senders
              .get(s)
              .send(
                  new JsonObject()
                      .put("type", "message.send")
                      .put("id", s + "-" + n)
                      .put(
                          "data",
                          new JsonObject()
                              .put("conversation_id", cast.conversationId())
                              .put("content", "m " + s + " " + n)
                              .put("client_msg_id", s + "-" + n)));
        }
      }
      for (WsClient s : senders) {
        assertThat(
                s.await(f -> "ack".equals(f.getString("type")), PER_SENDER, Duration.ofSeconds(60)))
            .hasSize(PER_SENDER);
      }
      List<Long> reference = null;
      List<WsClient> everyone = new ArrayList<>(readers);
      everyone.addAll(senders);
      for (WsClient c : everyone) {
        // The two senders' messages interleave in the stream in no fixed order, so no one
        // message is known to be the last: wait for as many as were sent.
        c.await(
            f ->
                "message.new".equals(f.getString("type"))
                    && f.getJsonObject("data").getString("content").startsWith("m "),
            TOTAL,
            Duration.ofSeconds(60));
        List<JsonObject> events =
            c.framesOfType("message.new").stream()
                .filter(f -> f.getJsonObject("data").getString("content").startsWith("m "))
                .toList();
        assertThat(events).as("nothing twice").hasSize(TOTAL);
        List<Long> seqs = new ArrayList<>();
        Long prev = null;
        for (JsonObject e : events) {
          JsonObject m = e.getJsonObject("data");
          if (prev != null) {
            assertThat(m.getLong("prev_seq")).as("prev_seq chain").isEqualTo(prev);
          }
          prev = m.getLong("seq");
          seqs.add(prev);
        }
        assertThat(new HashSet<>(seqs)).hasSize(TOTAL);
        if (reference == null) {
          reference = seqs;
        } else {
          assertThat(seqs).as("one order on every connection").isEqualTo(reference);
        }
      }
      long millis = (System.nanoTime() - started) / 1_000_000;
      MeterRegistry a = nodes.cluster.gateway(0).registry();
      MeterRegistry b = nodes.cluster.gateway(1).registry();
      double dropped =
          count(a, "parley_fanout_handoff_dropped_total")
              + count(b, "parley_fanout_handoff_dropped_total");
      double heldDropped =
          count(a, "parley_fanout_held_dropped_total")
              + count(b, "parley_fanout_held_dropped_total");
      double resyncs =
          count(a, "parley_fanout_resyncs_total") + count(b, "parley_fanout_resyncs_total");
      System.out.printf(
          "%d messages in a burst, hand-off bound 1, held bound 2: %.0f live copies dropped at the hand-off, %.0f held"
              + " entries dropped, %.0f resyncs; all %d connections got all %d once, in order, in %d ms%n",
          TOTAL, dropped, heldDropped, resyncs, everyone.size(), TOTAL, millis);
      assertThat(dropped)
          .as("the burst overflowed the hand-off (else this test proves nothing)")
          .isPositive();
      assertThat(resyncs).isPositive();
      assertThat(b.get("parley_fanout_handoff_queue_depth").gauge().value()).isZero();
    } finally {
      readers.forEach(WsClient::close);
      senders.forEach(WsClient::close);
    }
  }

  @Test
  void aMemberAddedDuringABurstGetsEverythingFromTheJoinOnceInOrder() {
    Cast cast = cast("join in a burst");
    try (WsClient carolOnB = onB(cast.carolToken());
        WsClient carolOnA = onA(cast.carolToken());
        WsClient aliceOnA = onA(cast.aliceToken());
        WsClient bobOnB = onB(cast.bobToken())) {
      int perSender = 100;
      warm(cast);
      double heldBefore = heldDropped();
      List<WsClient> senders = List.of(aliceOnA, bobOnB);
      for (int n = 0; n < perSender; n++) {
        if (n == perSender / 2) {
          // the first half stored before the add: sends take no lock, so one still in flight could
          // land
          // between the join's member.added and its system message, and carol would rightly get it
          // first
          for (WsClient s : senders) {
            s.await(f -> "ack".equals(f.getString("type")), n, Duration.ofSeconds(60));
          }
          // the catch-up of carol's connections runs while the burst arrives: live entries wait,
          // past the bound they are read back
          assertThat(
                  ConversationCalls.addMember(
                          nodes.apiA, cast.aliceToken(), cast.conversationId(), cast.carol())
                      .status())
              .isEqualTo(201);
        }
        for (int s = 0; s < senders.size(); s++) {
          senders
              .get(s)
              .send(
                  new JsonObject()
                      .put("type", "message.send")
                      .put("id", "j" + s + "-" + n)
                      .put(
                          "data",
                          new JsonObject()
                              .put("conversation_id", cast.conversationId())
                              .put("content", "j " + s + " " + n)
                              .put("client_msg_id", "j" + s + "-" + n)));
        }
      }
      int total =
          2 + 2 * perSender + 1; // the warm-up, the burst and the system message of carol's join
      List<Long> reference =
          seqs(
              aliceOnA.await(
                  f -> "message.new".equals(f.getString("type")), total, Duration.ofSeconds(60)));
      assertThat(
              seqs(
                  bobOnB.await(
                      f -> "message.new".equals(f.getString("type")),
                      total,
                      Duration.ofSeconds(60))))
          .isEqualTo(reference);
      for (WsClient carol : List.of(carolOnA, carolOnB)) {
        // the last entry of the stream, whoever sent it: the senders interleave in no fixed order
        long last = reference.get(reference.size() - 1);
        carol.awaitOne(
            f ->
                "message.new".equals(f.getString("type"))
                    && f.getJsonObject("data").getLong("seq") == last,
            Duration.ofSeconds(60));
        List<JsonObject> got = carol.framesOfType("message.new");
        assertThat(got.get(0).getJsonObject("data").getString("type"))
            .as("her join's system message first")
            .isEqualTo("system");
        long joinedAt = got.get(0).getJsonObject("data").getLong("seq");
        List<Long> expected = reference.stream().filter(seq -> seq >= joinedAt).toList();
        assertThat(seqs(got)).as("everything from the join, once, in order").isEqualTo(expected);
        assertThat(carol.framesOfType("member.added")).hasSize(1);
      }
      System.out.printf(
          "carol added amid a %d-message burst: %.0f held entries dropped (read back), both her connections got"
              + " everything from her join once, in order%n",
          2 * perSender, heldDropped() - heldBefore);
    }
  }

  private double heldDropped() {
    return count(nodes.cluster.gateway(0).registry(), "parley_fanout_held_dropped_total")
        + count(nodes.cluster.gateway(1).registry(), "parley_fanout_held_dropped_total");
  }

  /**
   * One message from each sender first, on each node: the conversation is in use, its membership
   * cached (a cold cache under a burst of hundreds of sends may answer some with 503: the pool's
   * waits are bounded too).
   */
  private void warm(Cast cast) {
    assertThat(nodes.apiA.send(cast.aliceToken(), cast.conversationId(), "warm", null).status())
        .isEqualTo(201);
    assertThat(nodes.apiB.send(cast.bobToken(), cast.conversationId(), "warm", null).status())
        .isEqualTo(201);
  }

  /** The seqs of message.new frames, checking their prev_seq chain on the way. */
  private static List<Long> seqs(List<JsonObject> frames) {
    List<Long> out = new ArrayList<>();
    for (JsonObject f : frames) {
      JsonObject m = f.getJsonObject("data");
      if (!out.isEmpty()) {
        assertThat(m.getLong("prev_seq")).as("prev_seq chain").isEqualTo(out.get(out.size() - 1));
      }
      out.add(m.getLong("seq"));
    }
    return out;
  }

  private static double count(MeterRegistry registry, String name) {
    return registry.get(name).counter().count();
  }
}
