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
      long started = System.nanoTime();
      // every frame written at once: the gateway publishes them concurrently, the stream republishes a burst
      for (int n = 0; n < PER_SENDER; n++) {
        for (int s = 0; s < SENDERS; s++) {
          senders.get(s).send(new JsonObject().put("type", "message.send").put("id", s + "-" + n)
              .put("data", new JsonObject().put("conversation_id", cast.conversationId())
                  .put("content", "m " + s + " " + n).put("client_msg_id", s + "-" + n)));
        }
      }
      for (WsClient s : senders) {
        assertThat(s.await(f -> "ack".equals(f.getString("type")), PER_SENDER, Duration.ofSeconds(60))).hasSize(PER_SENDER);
      }
      List<Long> reference = null;
      List<WsClient> everyone = new ArrayList<>(readers);
      everyone.addAll(senders);
      for (WsClient c : everyone) {
        List<JsonObject> events = c.await(f -> "message.new".equals(f.getString("type")), TOTAL, Duration.ofSeconds(60));
        assertThat(events).as("nothing twice").hasSize(TOTAL);
        List<Long> seqs = new ArrayList<>();
        Long prev = null;
        for (JsonObject e : events) {
          JsonObject m = e.getJsonObject("data");
          assertThat(m.getValue("prev_seq") == null ? null : m.getLong("prev_seq")).as("prev_seq chain").isEqualTo(prev);
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
      double dropped = count(a, "parley_fanout_handoff_dropped_total") + count(b, "parley_fanout_handoff_dropped_total");
      double heldDropped = count(a, "parley_fanout_held_dropped_total") + count(b, "parley_fanout_held_dropped_total");
      double resyncs = count(a, "parley_fanout_resyncs_total") + count(b, "parley_fanout_resyncs_total");
      System.out.printf("%d messages in a burst, hand-off bound 1, held bound 2: %.0f live copies dropped at the hand-off, %.0f held"
          + " entries dropped, %.0f resyncs; all %d connections got all %d once, in order, in %d ms%n",
          TOTAL, dropped, heldDropped, resyncs, everyone.size(), TOTAL, millis);
      assertThat(dropped).as("the burst overflowed the hand-off (else this test proves nothing)").isPositive();
      assertThat(resyncs).isPositive();
      assertThat(b.get("parley_fanout_handoff_queue_depth").gauge().value()).isZero();
    } finally {
      readers.forEach(WsClient::close);
      senders.forEach(WsClient::close);
    }
  }

  private static double count(MeterRegistry registry, String name) {
    return registry.get(name).counter().count();
  }
}
