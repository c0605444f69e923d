package dev.parley.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker as its own JVM, started by {@code WorkerMain} from the environment, and killed. */
@ExtendWith(ParleyExtension.class)
class WorkerProcessIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx = Vertx.vertx();
  private final TestEnvironment env;
  private final Chat chat;
  private final Workers workers;
  private final List<WorkerProcess> processes = new ArrayList<>();

  WorkerProcessIntegrationTests(TestEnvironment env) throws Exception {
    this.env = env;
    this.chat = new Chat(env, vertx);
    this.workers = new Workers(env, vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (WorkerProcess p : processes) {
      p.ensureStopped();
    }
    chat.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private WorkerProcess spawn(String name, Map<String, String> overrides) throws Exception {
    Map<String, String> vars = new HashMap<>(env.baseEnv());
    vars.putAll(workers.variables(overrides));
    WorkerProcess p = WorkerProcess.start(vars, env.id() + "-" + name);
    processes.add(p);
    return p;
  }

  private WorkerProcess spawnReady(String name, Map<String, String> overrides) throws Exception {
    int port = freePort();
    Map<String, String> vars = new HashMap<>(overrides);
    vars.put("PARLEY_HTTP_PORT", Integer.toString(port));
    WorkerProcess p = spawn(name, vars);
    Ops ops = new Ops(port);
    Await.until(
        name + " ready",
        TIMEOUT,
        () -> {
          assertThat(p.isAlive()).as("%s died:%n%s", name, p.output()).isTrue();
          return ops.ready().status() == 200;
        });
    return p;
  }

  /** The image's entry point runs the worker jar: {@code replay …} reaches the replay command. */
  @Test
  void theWorkerJarRunsTheReplayCommandAndRefusesOtherArguments() throws Exception {
    Map<String, String> vars = new HashMap<>(env.baseEnv());
    vars.putAll(workers.variables(Map.of()));

    WorkerProcess pending =
        WorkerProcess.start(vars, env.id() + "-replay-all", List.of("replay", "--all-pending"));
    assertThat(pending.awaitExit(60)).as(pending.output()).isZero();
    assertThat(pending.output()).contains("0 dead letters wait for replay");

    WorkerProcess usage = WorkerProcess.start(vars, env.id() + "-replay-bare", List.of("replay"));
    assertThat(usage.awaitExit(60)).as(usage.output()).isEqualTo(2);
    assertThat(usage.output()).contains("usage: replay [--stream <stream>] <stream_seq>...");

    WorkerProcess unknown =
        WorkerProcess.start(vars, env.id() + "-bogus", List.of("--all-pending"));
    assertThat(unknown.awaitExit(60)).as(unknown.output()).isEqualTo(2);
    assertThat(unknown.output()).contains("unknown argument '--all-pending'");
  }

  @Test
  void afterKillMinus9ARestartedWorkerStoresEverythingExactlyOnce() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    List<Long> seqs = new ArrayList<>();
    // The first worker reaches Postgres through a proxy that is then cut: it is sure to die holding
    // unacked entries (kept alive meanwhile), which the stream must hand to the next worker.
    TcpProxy proxy =
        TcpProxy.start(vertx, env.postgres().host(), env.postgres().port())
            .await(5, TimeUnit.SECONDS);
    WorkerProcess first =
        spawnReady("first", Map.of("PARLEY_PG_PORT", Integer.toString(proxy.port())));
    proxy.cut().await(5, TimeUnit.SECONDS);
    for (int i = 0; i < 150; i++) {
      seqs.add(chat.send(conversation, i % 2 == 0 ? alice : bob, "before kill " + i));
    }
    Await.until(
        "all handed to the first worker", TIMEOUT, () -> chat.consumer().getNumAckPending() == 150);

    first.kill();
    proxy.close().await(5, TimeUnit.SECONDS);
    for (int i = 0; i < 100; i++) {
      seqs.add(chat.send(conversation, alice, "while down " + i));
    }
    assertThat(chat.messageCount(conversation)).isZero();
    WorkerProcess second = spawnReady("second", Map.of());

    Await.until("everything stored", TIMEOUT, () -> chat.messageCount(conversation) == 250);
    Await.until("everything acked", TIMEOUT, chat::consumerDrained);
    chat.assertChain(conversation, seqs);
    assertThat(chat.lastRead(conversation, alice)).isEqualTo(seqs.get(249));
    assertThat(chat.lastRead(conversation, bob)).isEqualTo(seqs.get(149));

    assertThat(second.terminate(45))
        .as("SIGTERM stops it within the shutdown budget, with exit status 0 (not the JVM's 143)")
        .isZero();
    assertThat(second.output()).contains("Fetch loop stopped");
  }

  @Test
  void refusesToStartOnADatabaseWithoutTheSchema() throws Exception {
    String empty = "parley_t_" + env.id() + "_empty";
    chat.await(chat.pool.query("CREATE DATABASE " + empty).execute());
    try {
      WorkerProcess p = spawn("unmigrated", Map.of("PARLEY_PG_DATABASE", empty));

      assertThat(p.awaitExit(60)).as(p.output()).isEqualTo(1);
      assertThat(p.output())
          .contains("refused to start")
          .contains("missing V1__schema")
          .contains("migrate");
    } finally {
      chat.await(chat.pool.query("DROP DATABASE IF EXISTS " + empty + " WITH (FORCE)").execute());
    }
  }

  @Test
  void refusesToStartWithABadSettingAndNamesIt() throws Exception {
    WorkerProcess p = spawn("misconfigured", Map.of("PARLEY_WORKER_BATCH_WAIT", "soon"));

    assertThat(p.awaitExit(60)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("PARLEY_WORKER_BATCH_WAIT=soon");
  }
}
