package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class IdempotentSendIntegrationTests extends OnTwoNodes {
  IdempotentSendIntegrationTests(TestEnvironment env) {
    super(env);
  }

  @Test
  void resendWithSameClientMsgIdReturnsTheSameMessageOnEitherNode() {
    String alice = env.newId("alice");
    String token = nodes.apiA.devToken(alice);
    String conversationId =
        nodes.apiA.createGroup(token, "dup", List.of(env.newId("bob"))).getString("id");

    Api.Reply first = nodes.apiA.send(token, conversationId, "once", "c-1");
    Api.Reply again = nodes.apiA.send(token, conversationId, "a different text is ignored", "c-1");
    Api.Reply elsewhere = nodes.apiB.send(token, conversationId, "once", "c-1");

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(elsewhere.status()).isEqualTo(200);
    for (Api.Reply r : List.of(again, elsewhere)) {
      assertThat(r.body().getString("id")).isEqualTo(first.body().getString("id"));
      assertThat(r.body().getLong("seq")).isEqualTo(first.body().getLong("seq"));
      assertThat(r.body().getString("content")).isEqualTo("once");
    }
    assertThat(nodes.apiB.send(token, conversationId, "marker", "c-2").status()).isEqualTo(201);
    List<Rows.Stored> stored = Rows.awaitCount(pool(), conversationId, 2, Duration.ofSeconds(20));
    assertThat(stored).extracting(Rows.Stored::content).containsExactly("once", "marker");
  }

  @Test
  void concurrentResendsOnBothNodesStoreOneMessage() throws Exception {
    String carol = env.newId("carol");
    String token = nodes.apiA.devToken(carol);
    String conversationId = nodes.apiA.createGroup(token, "race", List.of()).getString("id");

    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Api.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Api api = i % 2 == 0 ? nodes.apiA : nodes.apiB;
      replies.add(pool.submit(() -> api.send(token, conversationId, "race", "same-id")));
    }
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (Future<Api.Reply> f : replies) {
      Api.Reply r = f.get();
      assertThat(r.status()).isIn(200, 201);
      created += r.status() == 201 ? 1 : 0;
      ids.add(r.body().getString("id"));
    }
    pool.shutdown();
    assertThat(ids).hasSize(1);
    assertThat(created).as("exactly one send created it").isEqualTo(1);

    assertThat(nodes.apiA.send(token, conversationId, "after", null).status()).isEqualTo(201);
    List<Rows.Stored> stored = Rows.awaitCount(pool(), conversationId, 2, Duration.ofSeconds(20));
    assertThat(stored).extracting(Rows.Stored::content).containsExactly("race", "after");
  }
}
