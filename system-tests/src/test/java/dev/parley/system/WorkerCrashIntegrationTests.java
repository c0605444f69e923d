package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker killed with SIGKILL mid-stream and restarted: nothing lost, nothing stored twice. */
@ExtendWith(ParleyExtension.class)
class WorkerCrashIntegrationTests {
  private static final int MESSAGES = 400;

  private final TestEnvironment env;

  WorkerCrashIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @Test
  void killedWorkerResumesWithoutLosingOrDuplicating() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Cluster cluster = Cluster.start(env, Map.of(), 2, false);
        Api apiA = new Api(vertx, cluster.baseUrl(0));
        Api apiB = new Api(vertx, cluster.baseUrl(1))) {
      Map<String, String> workerEnv =
          cluster.envMapFor("worker-proc", Map.of("PARLEY_WORKER_BATCH_MAX", "20"));
      ProcessNode worker = ProcessNode.start("dev.parley.worker.WorkerMain", workerEnv, "worker");
      String alice = env.newId("alice");
      String token = apiA.devToken(alice);
      String conversationId = apiA.createGroup(token, "crash", List.of()).getString("id");
      Pool db = env.pgPool(vertx);

      List<Long> acked = new ArrayList<>();
      boolean killed = false;
      for (int i = 0; i < MESSAGES; i++) {
        Api.Reply r = (i % 2 == 0 ? apiA : apiB).send(token, conversationId, "n" + i, "k-" + i);
        assertThat(r.status()).isEqualTo(201);
        acked.add(r.body().getLong("seq"));
        if (!killed && i >= MESSAGES / 2 && Rows.count(db, conversationId) > 0) {
          worker.kill();
          killed = true;
        }
      }
      assertThat(killed)
          .as("the worker had stored something before it was killed: %s", worker.logTail())
          .isTrue();
      long storedAtKill = Rows.count(db, conversationId);
      assertThat(storedAtKill).as("the kill happened mid-stream").isLessThan(MESSAGES);

      try (ProcessNode restarted =
          ProcessNode.start("dev.parley.worker.WorkerMain", workerEnv, "worker-restarted")) {
        List<Rows.Stored> stored =
            Rows.awaitCount(db, conversationId, MESSAGES, Duration.ofSeconds(90));
        assertThat(stored).hasSize(MESSAGES);
        assertThat(new HashSet<>(stored.stream().map(Rows.Stored::seq).toList()))
            .isEqualTo(new HashSet<>(acked));
        Rows.assertGaplessChain(stored);
        System.out.printf(
            "worker crash test: killed with %d of %d stored; after restart all %d stored once%n",
            storedAtKill, MESSAGES, stored.size());
      }
    } finally {
      Cluster.await(vertx.close());
    }
  }
}
