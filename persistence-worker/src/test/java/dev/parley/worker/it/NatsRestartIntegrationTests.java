package dev.parley.worker.it;

import dev.parley.testing.Await;
import dev.parley.testing.NatsServerProcess;
import dev.parley.testing.TestEnvironment;
import dev.parley.testing.TestServices;
import io.nats.client.Connection;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * nats-server restarted (cleanly, or killed) under a running worker, on a server of the test's own:
 * once it is back, the worker stores what was published before and after within seconds, without
 * waiting for the client library to notice its pull request died with the old server.
 */
class NatsRestartIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** From the moment the server accepts publishes again until everything is stored. */
  private static final Duration CATCH_UP = Duration.ofSeconds(20);

  private final Vertx vertx = Vertx.vertx();
  private NatsServerProcess nats;
  private TestEnvironment env;
  private Chat chat;
  private Workers workers;

  @BeforeEach
  void setUp() throws Exception {
    TestServices shared = TestServices.get();
    nats =
        NatsServerProcess.start(
            Path.of("target", "nats-restart", Long.toString(System.nanoTime())));
    env =
        TestEnvironment.create(new TestServices(shared.postgres(), nats.url(), shared.redisUrl()));
    chat = new Chat(env, vertx);
    workers = new Workers(env, vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    workers.close();
    chat.close();
    env.close();
    nats.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void resumesStoringSoonAfterACleanRestart() throws Exception {
    resumesAfter(nats::stop);
  }

  @Test
  void resumesStoringSoonAfterTheServerWasKilled() throws Exception {
    resumesAfter(nats::kill);
  }

  private interface Outage {
    void run() throws Exception;
  }

  private void resumesAfter(Outage down) throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    workers.start();
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seqs.add(chat.send(conversation, alice, "before " + i));
    }
    Await.until("stored before the restart", TIMEOUT, () -> chat.messageCount(conversation) == 20);

    down.run();
    nats.launch();
    Connection publisher = chat.nats;
    Await.until(
        "the test's connection back with the stream",
        TIMEOUT,
        () ->
            publisher.getStatus() == Connection.Status.CONNECTED
                && publisher.jetStreamManagement().getStreamInfo(env.nats().streamName()) != null);
    long back = System.nanoTime();
    try {
      for (int i = 0; i < 20; i++) {
        seqs.add(chat.sendRetrying(conversation, i % 2 == 0 ? alice : bob, "after " + i, TIMEOUT));
      }
      Await.until(
          "everything stored within " + CATCH_UP.toSeconds() + " s of the restart",
          CATCH_UP.minusNanos(System.nanoTime() - back),
          () -> chat.messageCount(conversation) == 40);
    } catch (Exception | AssertionError e) {
      printNatsThreads();
      throw e;
    }
    chat.assertChain(conversation, seqs);
    Await.until("every entry acked", TIMEOUT, chat::consumerDrained);
  }

  /** What the NATS client's threads are doing, for a failure that looks like a silent connection. */
  private static void printNatsThreads() {
    StringBuilder out = new StringBuilder("NATS client threads at the failure:\n");
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (thread.getName().startsWith("nats") || thread.getName().startsWith("pool-")) {
                out.append('"').append(thread.getName()).append("\" ").append(thread.getState());
                for (StackTraceElement frame : stack) {
                  out.append("\n    at ").append(frame);
                }
                out.append('\n');
              }
            });
    System.out.println(out);
  }
}
