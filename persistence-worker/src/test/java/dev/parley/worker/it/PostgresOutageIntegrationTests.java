package dev.parley.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import dev.parley.worker.PersistenceWorker;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Postgres unreachable for longer than the ack wait while sends keep coming: nothing lost, nothing doubled. */
@ExtendWith(ParleyExtension.class)
class PostgresOutageIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx = Vertx.vertx();
  private final TestEnvironment env;
  private final Chat chat;
  private final Workers workers;

  PostgresOutageIntegrationTests(TestEnvironment env) throws Exception {
    this.env = env;
    this.chat = new Chat(env, vertx);
    this.workers = new Workers(env, vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    workers.close();
    chat.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void catchesUpWhenPostgresComesBackAndIsNotReadyMeanwhile() throws Exception {
    TcpProxy proxy =
        TcpProxy.start(vertx, env.postgres().host(), env.postgres().port())
            .await(5, TimeUnit.SECONDS);
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    PersistenceWorker worker =
        workers.start(Map.of("PARLEY_PG_PORT", Integer.toString(proxy.port())));
    Ops ops = new Ops(worker.port());
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seqs.add(chat.send(conversation, alice, "before " + i));
    }
    Await.until("stored before the cut", TIMEOUT, () -> chat.messageCount(conversation) == 20);
    assertThat(ops.ready().status()).isEqualTo(200);

    proxy.cut().await(5, TimeUnit.SECONDS);
    for (int i = 0; i < 100; i++) {
      seqs.add(chat.send(conversation, i % 2 == 0 ? alice : bob, "during " + i));
    }
    Await.until(
        "not ready, postgres named",
        TIMEOUT,
        () -> {
          Ops.Ready ready = ops.ready();
          return ready.status() == 503
              && !"ok".equals(ready.check("postgres"))
              && "ok".equals(ready.check("nats"));
        });
    // Hold the outage past the ack wait (3s): the held batch must be kept alive, not redelivered
    // and lost.
    Await.until(
        "several retries", TIMEOUT, () -> ops.metric("parley_worker_batch_failures_total") >= 7);
    assertThat(chat.messageCount(conversation)).isEqualTo(20);
    proxy.restore();

    Await.until("caught up", TIMEOUT, () -> chat.messageCount(conversation) == 120);
    Await.until("every entry acked", TIMEOUT, chat::consumerDrained);
    Await.until("ready again", TIMEOUT, () -> ops.ready().status() == 200);
    chat.assertChain(conversation, seqs);
    assertThat(chat.lastRead(conversation, bob)).isEqualTo(seqs.get(119));
    assertThat(chat.conversationRow(conversation).getLong("last_seq")).isEqualTo(seqs.get(119));
    proxy.close().await(5, TimeUnit.SECONDS);
  }
}
