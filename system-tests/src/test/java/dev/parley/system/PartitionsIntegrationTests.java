package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.Subjects;
import dev.parley.gateway.GatewayNode;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import dev.parley.worker.PersistenceWorker;
import dev.parley.worker.config.WorkerConfig;
import io.nats.client.JetStreamManagement;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Conversations spread over three stream partitions ({@code PARLEY_STREAM_PARTITIONS=3}): each
 * keeps its order and its read-your-writes, fan-out reaches every node, workers sharing the
 * partitions store everything once, a restarted worker resumes every partition, and a change of
 * the count is refused while the other count's stream holds unstored entries.
 */
@ExtendWith(ParleyExtension.class)
class PartitionsIntegrationTests {
  private static final Map<String, String> THREE = Map.of("PARLEY_STREAM_PARTITIONS", "3");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int CONVERSATIONS = 6;
  private static final int PER_CONVERSATION = 8;

  private final TestEnvironment env;

  PartitionsIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  /** The tests of this class share its subject prefix: each starts with no stream of it. */
  @AfterEach
  void removeTheStreams() throws Exception {
    JetStreamManagement jsm = env.natsConnection().jetStreamManagement();
    for (String name : jsm.getStreamNames(env.nats().subjects().allStreamSubjects())) {
      jsm.deleteStream(name);
    }
  }

  @Test
  void eachConversationKeepsItsOrderReadsItsWritesAndIsStoredOnceByWorkersSharingPartitions()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    List<PersistenceWorker> workers = new ArrayList<>();
    try (Cluster cluster = Cluster.start(env, THREE, 2, false);
        Api apiA = new Api(vertx, cluster.baseUrl(0));
        Api apiB = new Api(vertx, cluster.baseUrl(1))) {
      String alice = env.newId("alice");
      String bob = env.newId("bob");
      String aliceToken = apiA.devToken(alice);
      String bobToken = apiB.devToken(bob);
      Map<String, List<Long>> acked = conversations(apiA, aliceToken, bob);
      Subjects subjects = new Subjects(env.nats().subjectPrefix(), 3);
      Set<Integer> used = new HashSet<>();
      acked.keySet().forEach(id -> used.add(subjects.partitionOf(id)));
      assertThat(used).as("the conversations fall in several partitions").hasSizeGreaterThan(1);

      WsClient bobOnB = WsClient.connect(vertx, cluster.gateway(1).port(), bobToken);
      sendAll(apiA, apiB, aliceToken, acked);
      for (List<Long> seqs : acked.values()) {
        assertThat(seqs).as("seq rises within a conversation").isSorted().doesNotHaveDuplicates();
      }

      // no worker yet: every read merges its partition's unstored tail
      for (var c : acked.entrySet()) {
        assertThat(historySeqs(apiB, bobToken, c.getKey(), null)).isEqualTo(c.getValue());
        List<Long> seqs = c.getValue();
        assertThat(historySeqs(apiA, bobToken, c.getKey(), "after_seq=" + seqs.get(2)))
            .as("a resume after a seq gets exactly what follows")
            .isEqualTo(seqs.subList(3, seqs.size()));
      }
      assertListShowsEachLastMessage(apiB, bobToken, acked);

      int total = CONVERSATIONS * PER_CONVERSATION;
      bobOnB.await(f -> "message.new".equals(f.getString("type")), total, WAIT);
      Map<String, List<Long>> live = new LinkedHashMap<>();
      for (JsonObject f : bobOnB.framesOfType("message.new")) {
        JsonObject m = f.getJsonObject("data");
        live.computeIfAbsent(m.getString("conversation_id"), k -> new ArrayList<>())
            .add(m.getLong("seq"));
      }
      assertThat(live).as("fan-out in each conversation's order").isEqualTo(acked);

      JetStreamManagement jsm = env.natsConnection().jetStreamManagement();
      for (int p : used) {
        String stream = env.nats().streamName() + "_P" + p + "_OF_3";
        assertThat(jsm.getStreamInfo(stream).getStreamState().getMsgCount())
            .as("stream %s holds its partition's entries", stream)
            .isPositive();
      }

      // two workers: one stores partition 0, the other 1 and 2
      workers.add(startWorker(vertx, cluster, "worker-p0", "0"));
      workers.add(startWorker(vertx, cluster, "worker-p12", "1,2"));
      assertStoredOnce(acked);
    } finally {
      for (PersistenceWorker w : workers) {
        Cluster.await(w.close());
      }
      Cluster.await(vertx.close());
    }
  }

  @Test
  void aRestartedWorkerResumesEveryPartition() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Cluster cluster = Cluster.start(env, THREE, 2, true);
        Api apiA = new Api(vertx, cluster.baseUrl(0));
        Api apiB = new Api(vertx, cluster.baseUrl(1))) {
      String alice = env.newId("alice");
      String aliceToken = apiA.devToken(alice);
      Map<String, List<Long>> acked = conversations(apiA, aliceToken, null);
      sendAll(apiA, apiB, aliceToken, acked);
      cluster.stopWorker();
      sendAll(apiB, apiA, aliceToken, acked);
      for (var c : acked.entrySet()) {
        assertThat(historySeqs(apiA, aliceToken, c.getKey(), "limit=100"))
            .as("acknowledged while the worker is away, read from the stream")
            .isEqualTo(c.getValue());
      }
      cluster.startWorker();
      assertStoredOnce(acked);
    } finally {
      Cluster.await(vertx.close());
    }
  }

  @Test
  void anotherPartitionCountIsRefusedUntilItsStreamIsStoredAndSeqKeepsRisingBothWays()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Cluster one = Cluster.start(env, Map.of(), 1, false);
        Api api = new Api(vertx, one.baseUrl(0))) {
      String alice = env.newId("alice");
      String token = api.devToken(alice);
      String conversationId = api.createGroup(token, "switch", List.of()).getString("id");
      long before = api.send(token, conversationId, "before", "b1").body().getLong("seq");

      assertThatThrownBy(() -> one.startGateway("gateway-three", THREE))
          .hasStackTraceContaining("PARLEY_STREAM_PARTITIONS=3")
          .hasStackTraceContaining(env.nats().streamName());

      one.startWorker();
      Pool db = env.pgPool(vertx);
      Rows.awaitCount(db, conversationId, 1, WAIT);
      one.stopWorker();

      // a read over every conversation may look at one unstored entry: the new partitions'
      // numbering must not make the empty range below their first entry look unstored
      GatewayNode three =
          one.startGateway(
              "gateway-three",
              Map.of("PARLEY_STREAM_PARTITIONS", "3", "PARLEY_READ_MAX_STREAM_SCAN", "1"));
      try (Api apiThree = new Api(vertx, "http://127.0.0.1:" + three.port())) {
        long after = apiThree.send(token, conversationId, "after", "a1").body().getLong("seq");
        assertThat(after)
            .as("the new partition numbers after the old stream")
            .isGreaterThan(before);
        assertThat(historySeqs(apiThree, token, conversationId, null))
            .containsExactly(before, after);
        assertListShowsEachLastMessage(apiThree, token, Map.of(conversationId, List.of(after)));

        // back to one stream: the old one ends below the partitions' entries, so it must go
        PersistenceWorker worker =
            Cluster.await(
                PersistenceWorker.start(
                    vertx, WorkerConfig.fromEnv(one.envFor("worker-three", THREE))));
        Rows.awaitCount(db, conversationId, 2, WAIT);
        Cluster.await(worker.close());
        assertThatThrownBy(() -> one.startGateway("gateway-back"))
            .hasStackTraceContaining("nats stream rm " + env.nats().streamName() + ")");
        env.natsConnection().jetStreamManagement().deleteStream(env.nats().streamName());
        GatewayNode back = one.startGateway("gateway-back");
        try (Api apiBack = new Api(vertx, "http://127.0.0.1:" + back.port())) {
          long again = apiBack.send(token, conversationId, "again", "g1").body().getLong("seq");
          assertThat(again)
              .as("the new single stream numbers after the partitions")
              .isGreaterThan(after);
          assertThat(historySeqs(apiBack, token, conversationId, null))
              .containsExactly(before, after, again);
        }
      }
    } finally {
      Cluster.await(vertx.close());
    }
  }

  private Map<String, List<Long>> conversations(Api api, String token, String member) {
    Map<String, List<Long>> acked = new LinkedHashMap<>();
    for (int i = 0; i < CONVERSATIONS; i++) {
      String id =
          api.createGroup(token, "p" + i, member == null ? List.of() : List.of(member))
              .getString("id");
      acked.put(id, new ArrayList<>());
    }
    return acked;
  }

  /** Sends alternately through both gateways, conversations interleaved. */
  private static void sendAll(Api a, Api b, String token, Map<String, List<Long>> acked) {
    for (int i = 0; i < PER_CONVERSATION; i++) {
      for (var c : acked.entrySet()) {
        int n = c.getValue().size();
        Api.Reply r = (n % 2 == 0 ? a : b).send(token, c.getKey(), "m" + n, c.getKey() + "-" + n);
        assertThat(r.status()).as("send: %s", r.body()).isEqualTo(201);
        // each partition's stream counts its own seq: the ack must still be this send's message
        assertThat(r.body().getString("conversation_id")).isEqualTo(c.getKey());
        assertThat(r.body().getString("content")).isEqualTo("m" + n);
        c.getValue().add(r.body().getLong("seq"));
      }
    }
  }

  private static List<Long> historySeqs(Api api, String token, String conversationId, String q) {
    Api.Reply r = api.history(token, conversationId, q == null ? "limit=100" : q + "&limit=100");
    assertThat(r.status()).as("history: %s", r.body()).isEqualTo(200);
    List<Long> out = new ArrayList<>();
    Long prev = null;
    for (Object o : r.body().getJsonArray("items")) {
      JsonObject m = (JsonObject) o;
      if (prev != null) {
        assertThat(m.getLong("prev_seq")).as("prev_seq chains the page").isEqualTo(prev);
      }
      prev = m.getLong("seq");
      out.add(prev);
    }
    return out;
  }

  private static void assertListShowsEachLastMessage(
      Api api, String token, Map<String, List<Long>> acked) {
    Api.Reply r = api.call(io.vertx.core.http.HttpMethod.GET, "/api/v1/conversations", token, null);
    assertThat(r.status()).as("list: %s", r.body()).isEqualTo(200);
    JsonArray items = r.body().getJsonArray("items");
    Map<String, Long> last = new LinkedHashMap<>();
    for (Object o : items) {
      JsonObject c = (JsonObject) o;
      JsonObject m = c.getJsonObject("last_message");
      last.put(c.getString("id"), m == null ? null : m.getLong("seq"));
    }
    for (var c : acked.entrySet()) {
      assertThat(last.get(c.getKey()))
          .as("the list reads every partition's unstored messages")
          .isEqualTo(c.getValue().get(c.getValue().size() - 1));
    }
  }

  private PersistenceWorker startWorker(
      Vertx vertx, Cluster cluster, String nodeId, String partitions) {
    return Cluster.await(
        PersistenceWorker.start(
            vertx,
            WorkerConfig.fromEnv(
                cluster.envFor(nodeId, Map.of("PARLEY_WORKER_PARTITIONS", partitions)))));
  }

  private void assertStoredOnce(Map<String, List<Long>> acked) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool db = env.pgPool(vertx);
      for (var c : acked.entrySet()) {
        List<Rows.Stored> stored = Rows.awaitCount(db, c.getKey(), c.getValue().size(), WAIT);
        assertThat(stored).extracting(Rows.Stored::seq).isEqualTo(c.getValue());
        Rows.assertGaplessChain(stored);
      }
    } finally {
      Cluster.await(vertx.close());
    }
  }
}
