package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.system.NatsRecorder.Received;
import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several workers, one relay: the worker holding the relay lease is killed with SIGKILL mid-stream;
 * a standby takes the lease over and resumes from the consumer's ack floor. An integrator misses
 * nothing, and sees nothing out of order: at most a repeat, which de-duplicating by
 * {@code Parley-Seq} removes.
 */
@ExtendWith(ParleyExtension.class)
class RelayFailoverIntegrationTests {
  private static final int MESSAGES = 200;

  /** Who holds the relay's advisory lock in this database: the session's application_name. */
  private static final String RELAY_HOLDER =
      """
      SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())""";

  private final TestEnvironment env;

  RelayFailoverIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @Test
  void aStandbyTakesOverFromAKilledRelayAndIntegratorsMissNothingAndSeeNothingOutOfOrder()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Cluster cluster = Cluster.start(env, Map.of(), 1, false);
        Api api = new Api(vertx, cluster.baseUrl(0))) {
      Pool db = env.pgPool(vertx);
      Map<String, String> procEnv =
          cluster.envMapFor("worker-proc", Map.of("PARLEY_RELAY_BATCH_MAX", "10"));
      ProcessNode first = ProcessNode.start("dev.parley.worker.WorkerMain", procEnv, "worker-proc");
      awaitHolder(db, "parley-relay worker-proc", first);
      cluster.startWorker(); // in this JVM: persists alongside, relays only once the lease is free
      assertThat(cluster.worker().registry().scrape())
          .contains("parley_relay_leader{node=\"worker-1\"} 0.0");

      String token = api.devToken(env.newId("alice"));
      String conversationId = api.createGroup(token, "failover", List.of()).getString("id");
      List<Long> acked = new ArrayList<>();
      try (NatsRecorder recorder =
          new NatsRecorder(
              env.newNatsConnection(), env.nats().subjects().conversationEvents(conversationId))) {
        for (int i = 0; i < MESSAGES; i++) {
          Api.Reply r = api.send(token, conversationId, "m" + i, "k-" + i);
          assertThat(r.status()).isEqualTo(201);
          acked.add(r.body().getLong("seq"));
          if (i == MESSAGES / 2) {
            first.kill();
          }
        }
        awaitHolder(db, "parley-relay worker-1", first);
        assertThat(cluster.worker().registry().scrape())
            .contains("parley_relay_leader{node=\"worker-1\"} 1.0");

        Set<Long> wanted = new HashSet<>(acked);
        Await.until(
            () ->
                recorder.all().stream().map(Received::parleySeq).toList().containsAll(wanted)
                    ? Boolean.TRUE
                    : null,
            System.nanoTime() + Duration.ofSeconds(60).toNanos(),
            () ->
                "the integrator has "
                    + recorder.all().size()
                    + " entries; missing "
                    + wanted.stream()
                        .filter(s -> recorder.all().stream().noneMatch(r -> r.parleySeq() == s))
                        .count());

        List<Received> all = recorder.all();
        // never a new entry below one already seen: anything not above the highest is a repeat
        long highest = 0;
        Set<Long> seen = new HashSet<>();
        List<Received> deduplicated = new ArrayList<>();
        int repeats = 0;
        for (Received r : all) {
          if (r.parleySeq() > highest) {
            deduplicated.add(r);
            highest = r.parleySeq();
          } else {
            assertThat(seen)
                .as("seq %d arrived after %d without having come before", r.parleySeq(), highest)
                .contains(r.parleySeq());
            repeats++;
          }
          seen.add(r.parleySeq());
        }
        List<Received> messages =
            deduplicated.stream().filter(r -> "message.new".equals(r.type())).toList();
        assertThat(messages)
            .extracting(r -> r.data().getLong("seq"))
            .containsExactlyElementsOf(acked);
        Long previous = null;
        for (Received m : messages) {
          assertThat(m.data().getLong("prev_seq"))
              .as("prev_seq of %d", m.parleySeq())
              .isEqualTo(previous);
          previous = m.data().getLong("seq");
        }
        System.out.printf(
            "relay failover test: %d messages, leader killed after %d; the standby took over; "
                + "the integrator got %d entries, %d of them repeats, none missing or out of order%n",
            MESSAGES, MESSAGES / 2 + 1, all.size(), repeats);
      }
    } finally {
      Cluster.await(vertx.close());
    }
  }

  private static void awaitHolder(Pool db, String applicationName, ProcessNode proc) {
    Await.until(
        () -> {
          for (Row r : Cluster.await(db.query(RELAY_HOLDER).execute())) {
            if (applicationName.equals(r.getString(0))) {
              return Boolean.TRUE;
            }
          }
          return null;
        },
        System.nanoTime() + Duration.ofSeconds(60).toNanos(),
        () ->
            applicationName
                + " does not hold the relay lease; "
                + "process log: "
                + proc.logTail());
  }
}
