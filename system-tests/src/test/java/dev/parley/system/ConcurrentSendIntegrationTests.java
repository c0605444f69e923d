package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ParleyExtension.class)
class ConcurrentSendIntegrationTests {
  private static final int SENDERS = 10;
  private static final int PER_SENDER = 100;
  private static final int TOTAL = SENDERS * PER_SENDER;

  private final TestEnvironment env;

  ConcurrentSendIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @Test
  void thousandConcurrentMessagesArriveEverywhereInOneOrderAndAreStoredOnce() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Cluster cluster = Cluster.start(env);
        Api api = new Api(vertx, cluster.baseUrl(0))) {
      List<String> users = new ArrayList<>();
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < SENDERS; i++) {
        users.add(env.newId("sender" + i));
        tokens.add(api.devToken(users.get(i)));
      }
      String conversationId =
          api.createGroup(tokens.get(0), "load", users.subList(1, SENDERS)).getString("id");

      // every sender connected to both nodes: its node-A connection sends, and both connections
      // listen
      List<WsClient> connections = new ArrayList<>();
      List<WsClient> sendersWs = new ArrayList<>();
      for (int i = 0; i < SENDERS; i++) {
        WsClient home = WsClient.connect(vertx, cluster.gateway(i % 2).port(), tokens.get(i));
        WsClient other =
            WsClient.connect(vertx, cluster.gateway((i + 1) % 2).port(), tokens.get(i));
        connections.add(home);
        connections.add(other);
        sendersWs.add(home);
      }

      long started = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
      List<Future<?>> sends = new ArrayList<>();
      for (int i = 0; i < SENDERS; i++) {
        int sender = i;
        sends.add(
            pool.submit(
                () -> {
                  for (int n = 0; n < PER_SENDER; n++) {
                    sendersWs
                        .get(sender)
                        .send(
                            new JsonObject()
                                .put("type", "message.send")
                                .put("id", sender + "-" + n)
                                .put(
                                    "data",
                                    new JsonObject()
                                        .put("conversation_id", conversationId)
                                        .put("content", "m " + sender + " " + n)
                                        .put("client_msg_id", sender + "-" + n)));
                  }
                }));
      }
      for (Future<?> f : sends) {
        f.get();
      }
      pool.shutdown();
      for (WsClient s : sendersWs) {
        List<JsonObject> acks =
            s.await(f -> "ack".equals(f.getString("type")), PER_SENDER, Duration.ofSeconds(60));
        assertThat(acks).hasSize(PER_SENDER);
      }
      long ackedMillis = (System.nanoTime() - started) / 1_000_000;

      List<Long> reference = null;
      for (WsClient c : connections) {
        List<JsonObject> events =
            c.await(f -> "message.new".equals(f.getString("type")), TOTAL, Duration.ofSeconds(60));
        assertThat(events).as("nothing twice").hasSize(TOTAL);
        List<Long> seqs = new ArrayList<>();
        Long prev = null;
        for (JsonObject e : events) {
          JsonObject m = e.getJsonObject("data");
          assertThat(m.getValue("prev_seq") == null ? null : m.getLong("prev_seq"))
              .as("prev_seq chain")
              .isEqualTo(prev);
          prev = m.getLong("seq");
          seqs.add(prev);
        }
        assertThat(new HashSet<>(seqs)).hasSize(TOTAL);
        if (reference == null) {
          reference = seqs;
        } else {
          assertThat(seqs).as("identical order on every connection and node").isEqualTo(reference);
        }
      }
      long deliveredMillis = (System.nanoTime() - started) / 1_000_000;

      Pool db = env.pgPool(vertx);
      List<Rows.Stored> stored = Rows.awaitCount(db, conversationId, TOTAL, Duration.ofSeconds(60));
      long storedMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(stored).hasSize(TOTAL);
      assertThat(stored.stream().map(Rows.Stored::seq).toList()).isEqualTo(reference);
      Rows.assertGaplessChain(stored);
      assertThat(
              stored.stream().map(Rows.Stored::content).filter(Objects::nonNull).distinct().count())
          .isEqualTo(TOTAL);

      System.out.printf(
          "1000-message test: all acked in %d ms, delivered to %d connections in %d ms, stored in Postgres in %d ms%n",
          ackedMillis, connections.size(), deliveredMillis, storedMillis);
      cluster
          .gateway(0)
          .registry()
          .scrape()
          .lines()
          .filter(
              l ->
                  l.startsWith("parley_send_latency") || l.startsWith("parley_fanout_entries_held"))
          .forEach(System.out::println);
      connections.forEach(WsClient::close);
    } finally {
      Cluster.await(vertx.close());
    }
  }
}
