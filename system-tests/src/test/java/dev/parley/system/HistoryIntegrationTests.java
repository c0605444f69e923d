package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ParleyExtension.class)
class HistoryIntegrationTests {
  private final TestEnvironment env;

  HistoryIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  private static List<Long> seqs(JsonArray items) {
    List<Long> out = new ArrayList<>();
    for (Object o : items) {
      out.add(((JsonObject) o).getLong("seq"));
    }
    return out;
  }

  @Test
  void ackedMessagesAreReadableOnEveryNodeBeforeAndAfterTheWorkerStoresThem() {
    Vertx vertx = Vertx.vertx();
    // no worker yet: nothing reaches Postgres, and reads must still show every acked message
    try (Cluster cluster = Cluster.start(env, Map.of(), 2, false);
        Api apiA = new Api(vertx, cluster.baseUrl(0));
        Api apiB = new Api(vertx, cluster.baseUrl(1))) {
      String alice = env.newId("alice");
      String bob = env.newId("bob");
      String aliceToken = apiA.devToken(alice);
      String bobToken = apiA.devToken(bob);
      String conversationId = apiA.createGroup(aliceToken, "history", List.of(bob)).getString("id");
      List<Long> sent = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Api.Reply r = apiA.send(aliceToken, conversationId, "m" + i, null);
        assertThat(r.status()).isEqualTo(201);
        sent.add(r.body().getLong("seq"));
      }

      Api.Reply newest = apiB.history(bobToken, conversationId, "limit=3");
      assertThat(newest.status()).isEqualTo(200);
      assertThat(seqs(newest.body().getJsonArray("items"))).isEqualTo(sent.subList(2, 5));
      assertThat(newest.body().getBoolean("has_more")).isTrue();
      assertThat(newest.body().getJsonArray("items").getJsonObject(0).getLong("prev_seq"))
          .isEqualTo(sent.get(1));

      Api.Reply older =
          apiB.history(bobToken, conversationId, "before_seq=" + sent.get(2) + "&limit=3");
      assertThat(seqs(older.body().getJsonArray("items"))).isEqualTo(sent.subList(0, 2));
      assertThat(older.body().getBoolean("has_more")).isFalse();
      assertThat(older.body().getJsonArray("items").getJsonObject(0).getValue("prev_seq")).isNull();

      Api.Reply missed = apiB.history(bobToken, conversationId, "after_seq=" + sent.get(1));
      assertThat(seqs(missed.body().getJsonArray("items"))).isEqualTo(sent.subList(2, 5));
      assertThat(missed.body().getBoolean("has_more")).isFalse();
      assertThat(missed.body().getJsonArray("items").getJsonObject(0).getLong("prev_seq"))
          .isEqualTo(sent.get(1));

      cluster.startWorker();
      Rows.awaitCount(env.pgPool(vertx), conversationId, 5, Duration.ofSeconds(20));
      Api.Reply stored = apiA.history(aliceToken, conversationId, null);
      assertThat(seqs(stored.body().getJsonArray("items"))).isEqualTo(sent);
      Rows.assertGaplessChain(Rows.messages(env.pgPool(vertx), conversationId));

      assertThat(apiA.history(aliceToken, conversationId, "limit=101").status()).isEqualTo(400);
      assertThat(apiA.history(aliceToken, conversationId, "after_seq=x").status()).isEqualTo(400);
      String stranger = apiA.devToken(env.newId("stranger"));
      Api.Reply notMember = apiA.history(stranger, conversationId, null);
      assertThat(notMember.status()).isEqualTo(404);
      assertThat(notMember.body().getJsonObject("error").getString("code")).isEqualTo("not_found");
      assertThat(apiA.send(stranger, conversationId, "let me in", null).status()).isEqualTo(404);
    } finally {
      Cluster.await(vertx.close());
    }
  }
}
