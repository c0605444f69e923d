package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.CloseReason;
import dev.parley.testing.TestEnvironment;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading its socket while messages for it pile up is cut with 4008 once more
 * than {@code PARLEY_WS_WRITE_QUEUE_BYTES} wait for it, rather than growing the gateway's memory.
 * The client is a raw socket with a small receive buffer, so the backlog builds in the gateway and
 * not in the kernel.
 */
class SlowConsumerIntegrationTests extends OnTwoNodes {
  private static final int WRITE_QUEUE_BYTES = 64 * 1024;
  private static final String BIG = "x".repeat(15_000);
  private static final Duration FLOOD_LIMIT = Duration.ofSeconds(60);

  SlowConsumerIntegrationTests(TestEnvironment env) {
    super(env, Map.of("PARLEY_WS_WRITE_QUEUE_BYTES", Integer.toString(WRITE_QUEUE_BYTES)));
  }

  @Test
  void aClientThatStopsReadingWhileMessagesFloodInIsClosedWith4008() throws Exception {
    Cast c = cast("firehose");
    int port = nodes.cluster.gateway(0).port();
    try (LogWatch log = new LogWatch("dev.parley.gateway");
        RawWebSocket stuck = RawWebSocket.open(port, c.bobToken(), Map.of(), 4096)) {
      assertThat(stuck.status()).isEqualTo(101);
      // from here on bob's client reads nothing; alice sends until the gateway has cut it off
      String cut = "of " + c.bob() + " with " + CloseReason.SLOW_CONSUMER.code();
      long deadline = System.nanoTime() + FLOOD_LIMIT.toNanos();
      int sent = 0;
      while (!log.contains(cut)) {
        assertThat(System.nanoTime())
            .as("no slow-consumer cut after %d messages of %d chars", sent, BIG.length())
            .isLessThan(deadline);
        Api.Reply r = nodes.apiA.send(c.aliceToken(), c.conversationId(), BIG, null);
        assertThat(r.status()).isEqualTo(201);
        sent++;
      }

      // reading again, the client gets what was queued before the cut, then the close frame
      int delivered = 0;
      Integer code = null;
      long readDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (code == null) {
        assertThat(System.nanoTime()).as("close frame after the queue").isLessThan(readDeadline);
        RawWebSocket.Frame f;
        try {
          f = stuck.read(100);
        } catch (EOFException e) {
          throw new AssertionError(
              "connection ended without a close frame after " + delivered + " frames", e);
        }
        if (f != null
            && f.opcode() == RawWebSocket.OP_TEXT
            && new String(f.payload(), StandardCharsets.UTF_8).contains("\"message.new\"")) {
          delivered++;
        } else if (f != null && f.opcode() == RawWebSocket.OP_CLOSE) {
          code = f.closeCode();
        }
      }
      assertThat(code).isEqualTo((int) CloseReason.SLOW_CONSUMER.code());
      // the message that found the queue full was dropped, not queued, and so were those after it
      assertThat(delivered).as("messages delivered of %d sent", sent).isLessThan(sent);
    }
  }
}
