package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.gateway.config.DatabaseLimits;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A slow or locked database answers 503 {@code unavailable} fast: a conversation's row held locked
 * by someone else, and a pool of one connection with a wait queue of one, make every change to it
 * fail within a second or so instead of waiting for the lock; a statement running past
 * {@code statement_timeout} is cancelled and mapped to {@code unavailable} too.
 */
class SlowDatabaseIntegrationTests extends OnTwoNodes {
  private static final Map<String, String> SMALL_AND_IMPATIENT =
      Map.of(
          "PARLEY_PG_POOL_SIZE", "1",
          "PARLEY_PG_POOL_WAIT_QUEUE", "1",
          "PARLEY_PG_ACQUIRE_TIMEOUT", "500ms",
          "PARLEY_PG_STATEMENT_TIMEOUT", "1s",
          "PARLEY_PG_LOCK_TIMEOUT", "300ms");

  /** How long the test holds the lock: far longer than any bounded answer may take. */
  private static final Duration LOCK_HELD = Duration.ofSeconds(8);

  private static final Duration FAST = Duration.ofMillis(2500);

  SlowDatabaseIntegrationTests(TestEnvironment env) {
    super(env, SMALL_AND_IMPATIENT);
  }

  @Test
  void changesToALockedConversationAnswerUnavailableFastEvenWhenThePoolIsExhausted() {
    Cast cast = cast("locked");
    Promise<Void> release = Promise.promise();
    Promise<Void> locked = Promise.promise();
    nodes.vertx.setTimer(LOCK_HELD.toMillis(), t -> release.tryComplete());
    Future<Void> held =
        pool()
            .withTransaction(
                conn ->
                    conn.preparedQuery("SELECT id FROM conversations WHERE id = $1 FOR UPDATE")
                        .execute(Tuple.of(cast.conversationId()))
                        .compose(
                            rows -> {
                              locked.complete();
                              return release.future();
                            }));
    Cluster.await(locked.future());
    try {
      long start = System.nanoTime();
      List<Future<Api.Reply>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        // one takes the only connection and waits for the lock, one waits for the connection, the
        // rest find the queue full
        calls.add(
            nodes.apiA.callAsync(
                HttpMethod.PUT,
                "/api/v1/conversations/" + cast.conversationId(),
                cast.aliceToken(),
                new JsonObject().put("name", "renamed " + i)));
      }
      List<Api.Reply> replies = new ArrayList<>();
      for (Future<Api.Reply> call : calls) {
        replies.add(Cluster.await(call));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.printf(
          "6 changes to a locked conversation on a pool of 1 (queue 1): %s in %d ms%n",
          replies.stream().map(Api.Reply::status).toList(), took.toMillis());
      assertThat(replies)
          .allSatisfy(
              r -> {
                assertThat(r.status()).isEqualTo(503);
                assertThat(ConversationCalls.errorCode(r)).isEqualTo("unavailable");
              });
      assertThat(took).isLessThan(FAST);
    } finally {
      release.tryComplete();
      Cluster.await(held);
    }
    // the lock gone, the same change goes through
    assertThat(
            ConversationCalls.update(
                    nodes.apiA,
                    cast.aliceToken(),
                    cast.conversationId(),
                    new JsonObject().put("name", "renamed"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void theGatewaysConnectionsCarryTheTimeoutsAndAStatementPastItIsUnavailable() {
    DatabaseLimits limits = DatabaseLimits.fromEnv(env.env(SMALL_AND_IMPATIENT));
    Pool asTheGateway =
        PgBuilder.pool()
            .with(limits.poolOptions(1))
            .connectingTo(limits.applyTo(env.postgres().connectOptions()))
            .using(nodes.vertx)
            .build();
    try {
      assertThat(
              Cluster.await(asTheGateway.query("SHOW statement_timeout").execute())
                  .iterator()
                  .next()
                  .getString(0))
          .isEqualTo("1s");
      assertThat(
              Cluster.await(asTheGateway.query("SHOW lock_timeout").execute())
                  .iterator()
                  .next()
                  .getString(0))
          .isEqualTo("300ms");
      long start = System.nanoTime();
      Object failure =
          Cluster.await(
              asTheGateway
                  .query("SELECT pg_sleep(5)")
                  .execute()
                  .<Object>map(rows -> "answered")
                  .recover(
                      e ->
                          Failures.<Object>database(e)
                              .recover(mapped -> Future.succeededFuture(mapped))));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(failure).isInstanceOf(ApiException.class);
      ApiException mapped = (ApiException) failure;
      assertThat(mapped.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(mapped.getCause()).isInstanceOf(PgException.class);
      assertThat(((PgException) mapped.getCause()).getSqlState()).isEqualTo("57014");
      assertThat(took).isLessThan(FAST);
    } finally {
      Cluster.await(asTheGateway.close());
    }
  }
}
