package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway in its own JVM gets SIGTERM while its clients send: it goes not-ready first, keeps
 * serving through the drain delay, answers every send it took before closing (what a client sends
 * after its connection's turn is not read, so never answered with an error nor stored), closes its sockets with 1001 spread over the close spread, and exits 0
 * within the drain timeout.
 */
@ExtendWith(ParleyExtension.class)
class GatewayDrainIntegrationTests {
  private static final int CLIENTS = 6;
  private static final Duration DELAY = Duration.ofSeconds(2);
  private static final Duration SPREAD = Duration.ofSeconds(4);
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** Steady traffic, not a load test: one frame per client per round. */
  private static final long ROUND_NANOS = Duration.ofMillis(100).toNanos();

  private final TestEnvironment env;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private volatile String lastReadyFailure;

  GatewayDrainIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @Test
  void sigtermDrainsNotReadyFirstEverySendAnsweredClosesSpreadExitsZero() throws Exception {
    Vertx vertx = Vertx.vertx();
    int port = freePort();
    try (Cluster cluster = Cluster.start(env, Map.of(), 1, true);
        Api api = new Api(vertx, cluster.baseUrl(0))) {
      Map<String, String> gatewayEnv =
          cluster.envMapFor(
              "gateway-drain",
              Map.of(
                  "PARLEY_HTTP_PORT", Integer.toString(port),
                  "PARLEY_DRAIN_DELAY", DELAY.toSeconds() + "s",
                  "PARLEY_DRAIN_CLOSE_SPREAD", SPREAD.toSeconds() + "s",
                  "PARLEY_DRAIN_TIMEOUT", TIMEOUT.toSeconds() + "s"));
      ProcessNode gateway =
          ProcessNode.start("dev.parley.gateway.GatewayMain", gatewayEnv, "gateway-drain");
      try {
        Await.until(
            () -> readyStatus(port) == 200 ? true : null,
            System.nanoTime() + Duration.ofSeconds(60).toNanos(),
            () -> "the gateway process never became ready: " + gateway.logTail());
        String token = api.devToken(env.newId("alice"));
        String conversationId = api.createGroup(token, "drain", List.of()).getString("id");
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          clients.add(WsClient.connect(vertx, port, token));
        }
        List<Set<String>> written = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          written.add(new HashSet<>());
        }

        List<String> readyLog = new ArrayList<>();
        long sigtermAt = 0;
        long drainingSeenAt = 0;
        long next = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int round = 0; clients.stream().anyMatch(c -> c.closeCode() == null); round++) {
          assertThat(System.nanoTime())
              .as("clients still open: %s", gateway.logTail())
              .isLessThan(deadline);
          LockSupport.parkNanos(next - System.nanoTime());
          next += ROUND_NANOS;
          for (int i = 0; i < CLIENTS; i++) {
            WsClient c = clients.get(i);
            if (c.closeCode() != null) {
              continue;
            }
            String id = "c" + i + "-" + round;
            try {
              c.send(
                  new JsonObject()
                      .put("type", "message.send")
                      .put("id", id)
                      .put(
                          "data",
                          new JsonObject()
                              .put("conversation_id", conversationId)
                              .put("content", id)
                              .put("client_msg_id", id)));
              written.get(i).add(id);
            } catch (RuntimeException e) {
              // closed while writing: this frame never left
            }
          }
          if (round == 10) {
            gateway.terminate();
            sigtermAt = System.nanoTime();
          }
          if (sigtermAt != 0
              && drainingSeenAt == 0
              && clients.stream().allMatch(c -> c.closeCode() == null)) {
            int status = readyStatus(port);
            readyLog.add(
                (System.nanoTime() - sigtermAt) / 1_000_000
                    + "ms:"
                    + status
                    + (status < 0 ? " " + lastReadyFailure : ""));
            if (status == 503) {
              drainingSeenAt = System.nanoTime();
            }
          }
        }
        int exit = gateway.awaitExit(TIMEOUT.plusSeconds(10));
        long exitedAfterMillis = (System.nanoTime() - sigtermAt) / 1_000_000;

        assertThat(drainingSeenAt)
            .as("/ready answered 503 while every socket was still open: %s", readyLog)
            .isPositive();
        long firstClose = clients.stream().mapToLong(WsClient::closedAtNanos).min().orElseThrow();
        long lastClose = clients.stream().mapToLong(WsClient::closedAtNanos).max().orElseThrow();
        assertThat(Duration.ofNanos(firstClose - sigtermAt))
            .as("sockets stay open through the drain delay")
            .isGreaterThanOrEqualTo(DELAY.minusMillis(200));
        assertThat(clients).allSatisfy(c -> assertThat(c.closeCode()).isEqualTo((short) 1001));
        // spread: the k-th close comes no earlier than its turn, k/n of the spread after the delay
        // (later is allowed: a socket is closed only once its last sends are answered)
        long[] closes = clients.stream().mapToLong(WsClient::closedAtNanos).sorted().toArray();
        for (int k = 0; k < CLIENTS; k++) {
          Duration turn = DELAY.plus(SPREAD.multipliedBy(k).dividedBy(CLIENTS)).minusMillis(250);
          assertThat(Duration.ofNanos(closes[k] - sigtermAt))
              .as("close %d of %d", k + 1, CLIENTS)
              .isGreaterThanOrEqualTo(turn);
        }
        assertThat(exit).as("exit code: %s", gateway.logTail()).isEqualTo(0);
        assertThat(Duration.ofMillis(exitedAfterMillis)).isLessThan(TIMEOUT);

        // every send the gateway read was answered before its socket closed, and nothing it did not
        // answer was stored
        // (what came after a connection's turn was not read: no error answer, the client sends it
        // again elsewhere)
        Set<String> acked = new HashSet<>();
        for (int i = 0; i < CLIENTS; i++) {
          WsClient c = clients.get(i);
          c.framesOfType("ack").forEach(a -> acked.add(a.getString("id")));
          assertThat(c.framesOfType("error"))
              .as("no send is answered with an error during a drain")
              .isEmpty();
        }
        Set<String> sent = new HashSet<>();
        written.forEach(sent::addAll);
        assertThat(sent).containsAll(acked);
        assertThat(storedClientIds(api, token, conversationId)).isEqualTo(acked);
        System.out.printf(
            "drain test: %d frames written, %d acked and stored; /ready 503 after %d ms; closes from %d to %d ms; exit %d after %d ms%n",
            sent.size(),
            acked.size(),
            (drainingSeenAt - sigtermAt) / 1_000_000,
            (firstClose - sigtermAt) / 1_000_000,
            (lastClose - sigtermAt) / 1_000_000,
            exit,
            exitedAfterMillis);
        clients.forEach(WsClient::close);
      } finally {
        gateway.close();
      }
    } finally {
      Cluster.await(vertx.close());
    }
  }

  private int readyStatus(int port) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (Exception e) {
      lastReadyFailure = e.toString();
      return -1;
    }
  }

  /** Every message of the conversation (read through the other gateway, stream included), by client_msg_id. */
  private static Set<String> storedClientIds(Api api, String token, String conversationId) {
    Set<String> ids = new HashSet<>();
    long after = 0;
    while (true) {
      Api.Reply page = api.history(token, conversationId, "after_seq=" + after + "&limit=100");
      assertThat(page.status()).as("%s", page.body()).isEqualTo(200);
      JsonArray items = page.body().getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        JsonObject m = items.getJsonObject(i);
        ids.add(m.getString("client_msg_id"));
        after = m.getLong("seq");
      }
      if (!page.body().getBoolean("has_more")) {
        return ids;
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
