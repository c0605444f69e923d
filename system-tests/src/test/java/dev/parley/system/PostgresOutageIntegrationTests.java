package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Postgres unreachable for 30 s while sends go on: every send is acked, every row is there afterwards. */
@ExtendWith(ParleyExtension.class)
class PostgresOutageIntegrationTests {
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  /** Steady traffic, not a load test: leaves CPU for the rest of the build on a 2-core machine. */
  private static final long SEND_EVERY_NANOS = Duration.ofMillis(20).toNanos();

  private final TestEnvironment env;

  PostgresOutageIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @Test
  void sendsAreAckedWhilePostgresIsDownAndStoredWhenItReturns() {
    Vertx vertx = Vertx.vertx();
    TcpProxy proxy =
        Cluster.await(TcpProxy.start(vertx, env.postgres().host(), env.postgres().port()));
    Map<String, String> viaProxy =
        Map.of("PARLEY_PG_HOST", proxy.host(), "PARLEY_PG_PORT", Integer.toString(proxy.port()));
    try (Cluster cluster = Cluster.start(env, viaProxy, 2, true);
        Api apiA = new Api(vertx, cluster.baseUrl(0));
        Api apiB = new Api(vertx, cluster.baseUrl(1));
        Api workerOps = new Api(vertx, "http://127.0.0.1:" + cluster.worker().port())) {
      String alice = env.newId("alice");
      String bob = env.newId("bob");
      String aliceToken = apiA.devToken(alice);
      String bobToken = apiB.devToken(bob);
      String conversationId = apiA.createGroup(aliceToken, "outage", List.of(bob)).getString("id");
      // both senders known to both nodes before the outage (membership and user caches warm)
      assertThat(apiA.send(aliceToken, conversationId, "before", null).status()).isEqualTo(201);
      assertThat(apiB.send(bobToken, conversationId, "before too", null).status()).isEqualTo(201);
      assertThat(apiA.send(bobToken, conversationId, "warm", null).status()).isEqualTo(201);
      assertThat(apiB.send(aliceToken, conversationId, "warm", null).status()).isEqualTo(201);

      Cluster.await(proxy.cut());
      long until = System.nanoTime() + OUTAGE.toNanos();
      List<Long> ackedDuringOutage = new ArrayList<>();
      boolean sawUnavailableRead = false;
      boolean sawWorkerNotReady = false;
      int i = 0;
      long nextSend = System.nanoTime();
      while (System.nanoTime() < until) {
        LockSupport.parkNanos(nextSend - System.nanoTime());
        nextSend += SEND_EVERY_NANOS;
        Api api = i % 2 == 0 ? apiA : apiB;
        String token = i % 2 == 0 ? aliceToken : bobToken;
        Api.Reply r = api.send(token, conversationId, "during " + i, "out-" + i);
        assertThat(r.status()).as("send %d during the outage: %s", i, r.body()).isEqualTo(201);
        ackedDuringOutage.add(r.body().getLong("seq"));
        if (i % 50 == 0) {
          Api.Reply read = apiA.history(aliceToken, conversationId, null);
          sawUnavailableRead |=
              read.status() == 503
                  && "unavailable".equals(read.body().getJsonObject("error").getString("code"));
          Api.Reply workerReady = workerOps.call(HttpMethod.GET, "/ready", null, null);
          sawWorkerNotReady |= workerReady.status() == 503;
        }
        i++;
      }
      proxy.restore();

      assertThat(sawUnavailableRead)
          .as("history reads say 'unavailable' while Postgres is down")
          .isTrue();
      assertThat(sawWorkerNotReady)
          .as("the worker reports not ready while Postgres is down")
          .isTrue();
      int total = 4 + ackedDuringOutage.size();
      List<Rows.Stored> stored =
          Rows.awaitCount(env.pgPool(vertx), conversationId, total, Duration.ofSeconds(60));
      assertThat(stored).hasSize(total);
      assertThat(stored.stream().map(Rows.Stored::seq).toList()).containsAll(ackedDuringOutage);
      Rows.assertGaplessChain(stored);
      System.out.printf(
          "Postgres outage test: %d sends acked during a %d s outage, all %d rows stored after it%n",
          ackedDuringOutage.size(), OUTAGE.toSeconds(), total);
    } finally {
      Cluster.await(proxy.close());
      Cluster.await(vertx.close());
    }
  }
}
