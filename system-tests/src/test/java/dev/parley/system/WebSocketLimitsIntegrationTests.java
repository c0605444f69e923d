package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * What one client may hold of a gateway: message size (1009 for any frame or message over 64 KiB,
 * however it is sent), no compression, connections per user, frames in flight, and keep-alive that
 * counts the client's own pings. Raw sockets ({@link RawWebSocket}) send what a library would not.
 */
class WebSocketLimitsIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int LIMIT = 64 * 1024;
  private static final int CAP = 3;
  private static final int MAX_IN_FLIGHT = 4;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

  WebSocketLimitsIntegrationTests(TestEnvironment env) {
    super(
        env,
        Map.of(
            "PARLEY_WS_MAX_CONNECTIONS_PER_USER",
            Integer.toString(CAP),
            "PARLEY_WS_MAX_IN_FLIGHT",
            Integer.toString(MAX_IN_FLIGHT),
            "PARLEY_WS_PING_INTERVAL",
            "500ms",
            "PARLEY_WS_IDLE_TIMEOUT",
            IDLE_TIMEOUT.toMillis() + "ms"));
  }

  private int portA() {
    return nodes.cluster.gateway(0).port();
  }

  private RawWebSocket raw(String token) throws Exception {
    RawWebSocket ws = RawWebSocket.open(portA(), token, Map.of());
    assertThat(ws.status()).isEqualTo(101);
    return ws;
  }

  @Test
  void oneFrameOverTheLimitClosesWith1009() throws Exception {
    try (RawWebSocket ws = raw(nodes.apiA.devToken(env.newId("bigframe")))) {
      ws.text(
          "{\"type\":\"message.send\",\"data\":{\"content\":\"" + "x".repeat(100 * 1000) + "\"}}");
      assertThat(ws.awaitClose(WAIT.toMillis())).isEqualTo(1009);
    }
  }

  @Test
  void aFragmentedMessageOverTheLimitClosesWith1009() throws Exception {
    try (RawWebSocket ws = raw(nodes.apiA.devToken(env.newId("fragments")))) {
      byte[] kib = new byte[1024];
      Arrays.fill(kib, (byte) 'x');
      ws.frame(
          RawWebSocket.OP_TEXT,
          false,
          false,
          "{\"type\":\"x\",\"pad\":\"".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 70; i++) {
        ws.frame(RawWebSocket.OP_CONTINUATION, false, false, kib);
      }
      assertThat(ws.awaitClose(WAIT.toMillis())).isEqualTo(1009);
    }
  }

  @Test
  void aFragmentedMessageUnderTheLimitIsHandledAsOne() throws Exception {
    try (RawWebSocket ws = raw(nodes.apiA.devToken(env.newId("pieces")))) {
      ws.frame(
          RawWebSocket.OP_TEXT,
          false,
          false,
          "{\"type\":\"no.such\",".getBytes(StandardCharsets.UTF_8));
      ws.frame(
          RawWebSocket.OP_CONTINUATION,
          false,
          false,
          "\"id\":\"f1\",".getBytes(StandardCharsets.UTF_8));
      ws.frame(
          RawWebSocket.OP_CONTINUATION,
          true,
          false,
          "\"data\":{}}".getBytes(StandardCharsets.UTF_8));
      JsonObject answer = readText(ws, "f1");
      assertThat(answer.getString("type")).isEqualTo("error");
    }
  }

  @Test
  void compressionIsNotNegotiatedAndACompressedFrameIsNeverInflated() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.open(
            portA(),
            nodes.apiA.devToken(env.newId("deflate")),
            Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
      assertThat(ws.status()).isEqualTo(101);
      assertThat(ws.header("Sec-WebSocket-Extensions"))
          .as("the server accepts no extension")
          .isNull();
      // 40 MB of JSON padding deflated to ~40 KB: refused as a protocol error, never inflated
      byte[] bomb = deflate(40 * 1000 * 1000);
      assertThat(bomb.length).isLessThan(LIMIT);
      ws.frame(RawWebSocket.OP_TEXT, true, true, bomb);
      int code = ws.awaitClose(WAIT.toMillis());
      assertThat(code).isNotEqualTo(1000);
    }
    // the node is unharmed
    try (RawWebSocket again = raw(nodes.apiA.devToken(env.newId("after")))) {
      again.text("{\"type\":\"no.such\",\"id\":\"a1\"}");
      assertThat(readText(again, "a1").getString("type")).isEqualTo("error");
    }
  }

  @Test
  void aUserOverTheConnectionCapIsRefusedWith429() throws Exception {
    String token = nodes.apiA.devToken(env.newId("many"));
    List<RawWebSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        open.add(raw(token));
      }
      try (RawWebSocket over = RawWebSocket.open(portA(), token, Map.of())) {
        assertThat(over.status()).isEqualTo(429);
      }
      // another user is not affected, and the user's place comes back once a connection closes
      try (RawWebSocket other = raw(nodes.apiA.devToken(env.newId("other")))) {
        assertThat(other.status()).isEqualTo(101);
      }
      open.remove(0).close();
      RawWebSocket again =
          Await.until(
              () -> {
                try {
                  RawWebSocket ws = RawWebSocket.open(portA(), token, Map.of());
                  if (ws.status() == 101) {
                    return ws;
                  }
                  ws.close();
                  return null;
                } catch (Exception e) {
                  return null;
                }
              },
              System.nanoTime() + WAIT.toNanos(),
              () -> "the closed connection's place never came back");
      open.add(again);
      assertThat(nodes.cluster.gateway(0).registry().scrape())
          .contains("parley_ws_connections_refused_total{node=\"gateway-1\"}");
    } finally {
      for (RawWebSocket ws : open) {
        ws.close();
      }
    }
  }

  @Test
  void aClientThatOnlyPingsIsNeverIdleClosedAndASilentOneIs() throws Exception {
    try (RawWebSocket pinging = raw(nodes.apiA.devToken(env.newId("pinger")));
        RawWebSocket silent = raw(nodes.apiA.devToken(env.newId("silent")))) {
      // neither answers the server's pings; one pings on its own every 300 ms, for twice the idle
      // timeout
      long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      int pongs = 0;
      while (System.nanoTime() < until) {
        pinging.ping();
        RawWebSocket.Frame f = pinging.read(300);
        assertThat(f == null || f.opcode() != RawWebSocket.OP_CLOSE)
            .as("the pinging client was closed")
            .isTrue();
        pongs += f != null && f.opcode() == RawWebSocket.OP_PONG ? 1 : 0;
      }
      assertThat(pongs).isPositive();
      assertThat(silent.awaitClose(1000)).isEqualTo(4000);
    }
  }

  @Test
  void aClientThatSendsNothingIsClosedWith4000OnceTheIdleTimeoutHasPassed() throws Exception {
    long opened = System.nanoTime();
    try (RawWebSocket silent = raw(nodes.apiA.devToken(env.newId("idle")))) {
      // it reads what the server sends and sends nothing back: no frame, no pong, no ping
      long deadline = opened + WAIT.toNanos();
      int pings = 0;
      Integer code = null;
      while (code == null) {
        assertThat(System.nanoTime()).as("closed within %s", WAIT).isLessThan(deadline);
        RawWebSocket.Frame f = silent.read(100);
        if (f != null && f.opcode() == RawWebSocket.OP_PING) {
          pings++;
        } else if (f != null && f.opcode() == RawWebSocket.OP_CLOSE) {
          code = f.closeCode();
        }
      }
      Duration openFor = Duration.ofNanos(System.nanoTime() - opened);
      assertThat(code).isEqualTo(4000);
      assertThat(pings).as("the server's pings, left unanswered").isPositive();
      // the server counts from when it took the connection, after this test started its clock
      assertThat(openFor).as("time until the close").isGreaterThanOrEqualTo(IDLE_TIMEOUT);
    }
  }

  @Test
  void framesSentFasterThanAnsweredAreReadAtMostMaxInFlightAtATimeAndEachAnsweredOnce() {
    String token = nodes.apiA.devToken(env.newId("eager"));
    String conversationId = nodes.apiA.createGroup(token, "eager", List.of()).getString("id");
    int frames = 300;
    try (WsClient ws = onA(token)) {
      for (int i = 0; i < frames; i++) {
        ws.send(
            new JsonObject()
                .put("type", "message.send")
                .put("id", "s" + i)
                .put(
                    "data",
                    new JsonObject()
                        .put("conversation_id", conversationId)
                        .put("content", "n" + i)
                        .put("client_msg_id", "c" + i)));
      }
      // sampled every poll while the answers come in: never more than the bound in flight
      double[] most = {0};
      Await.until(
          () -> {
            most[0] =
                Math.max(
                    most[0],
                    nodes
                        .cluster
                        .gateway(0)
                        .registry()
                        .get("parley_ws_frames_in_flight")
                        .gauge()
                        .value());
            return ws.framesOfType("ack").size() >= frames ? true : null;
          },
          System.nanoTime() + Duration.ofSeconds(60).toNanos(),
          () -> "acks so far: " + ws.framesOfType("ack").size());
      assertThat(most[0])
          .as("frames in flight on the connection")
          .isLessThanOrEqualTo(MAX_IN_FLIGHT);
      assertThat(
              nodes
                  .cluster
                  .gateway(0)
                  .registry()
                  .get("parley_ws_read_pauses_total")
                  .functionCounter()
                  .count())
          .isPositive();
      assertThat(ws.framesOfType("error")).isEmpty();
      Map<String, Long> seqById = new HashMap<>();
      ws.framesOfType("ack")
          .forEach(a -> seqById.put(a.getString("id"), a.getJsonObject("data").getLong("seq")));
      assertThat(seqById).as("one answer per frame").hasSize(frames);
      assertThat(ws.framesOfType("ack")).as("and no frame answered twice").hasSize(frames);
      assertThat(new HashSet<>(seqById.values())).as("each a message of its own").hasSize(frames);
    }
  }

  /** The answer to the frame with {@code id}, skipping everything else. */
  private static JsonObject readText(RawWebSocket ws, String id) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      RawWebSocket.Frame f = ws.read(200);
      if (f != null && f.opcode() == RawWebSocket.OP_TEXT) {
        JsonObject frame = new JsonObject(new String(f.payload(), StandardCharsets.UTF_8));
        if (id.equals(frame.getString("id"))) {
          return frame;
        }
      }
    }
    throw new AssertionError("no text frame within " + WAIT);
  }

  /** {@code size} bytes of a JSON frame's padding, deflated as permessage-deflate would carry them. */
  private static byte[] deflate(int size) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 'x');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    for (int written = 0; written < size; written += chunk.length) {
      deflater.setInput(chunk, 0, Math.min(chunk.length, size - written));
      while (!deflater.needsInput()) {
        out.write(buf, 0, deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      out.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    return out.toByteArray();
  }
}
