package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A removal takes effect on every node within {@code PARLEY_MEMBERSHIP_CACHE_TTL} even when its
 * core-NATS notice never arrives: the change is committed (the member row gone) and nobody tells
 * node B, which holds the removed user's membership cached. History is refused there at once (it
 * asks Postgres), sends and typing once the cached entry is older than the TTL (2 s here; the
 * cache was trusted for 10 minutes before).
 */
class RemovalBoundIntegrationTests extends OnTwoNodes {
  private static final Duration TTL = Duration.ofSeconds(2);

  /** The TTL, plus room for a loaded machine. */
  private static final Duration BOUND = TTL.plusMillis(1500);

  RemovalBoundIntegrationTests(TestEnvironment env) {
    super(env, Map.of("PARLEY_MEMBERSHIP_CACHE_TTL", "2s"));
  }

  @Test
  void historyIsRefusedOnTheOtherNodeTheMomentARemovalWhoseNoticeIsLostCommits() {
    Cast cast = cast("lost notice, history");
    assertThat(nodes.apiB.history(cast.bobToken(), cast.conversationId(), null).status())
        .isEqualTo(200);
    assertThat(nodes.apiB.send(cast.bobToken(), cast.conversationId(), "cached", null).status())
        .isEqualTo(201);
    removeWithoutNotice(cast);
    assertThat(nodes.apiB.history(cast.bobToken(), cast.conversationId(), null).status())
        .isEqualTo(404);
  }

  @Test
  void sendsAndTypingOfARemovalWhoseNoticeIsLostAreRefusedOnTheOtherNodeWithinTheTtl() {
    Cast cast = cast("lost notice");
    try (WsClient bobOnB = onB(cast.bobToken())) {
      // B has bob's membership cached: a send and a typing frame through it
      assertThat(nodes.apiB.send(cast.bobToken(), cast.conversationId(), "before", null).status())
          .isEqualTo(201);
      bobOnB.send(typing("t0", cast.conversationId()));
      bobOnB.awaitOne(
          f -> "ack".equals(f.getString("type")) && "t0".equals(f.getString("id")),
          ConversationCalls.EVENT_WAIT);

      removeWithoutNotice(cast);
      long removed = System.nanoTime();

      int sendStatus =
          Await.until(
              () -> {
                int status =
                    nodes.apiB.send(cast.bobToken(), cast.conversationId(), "after", null).status();
                return status == 201 ? null : status;
              },
              removed + BOUND.toNanos(),
              () -> "bob's sends on B still accepted " + BOUND + " after his removal");
      long sendRefusedMillis = (System.nanoTime() - removed) / 1_000_000;
      assertThat(sendStatus).isEqualTo(404);

      int[] n = {0};
      String code =
          Await.until(
              () -> {
                String id = "t" + ++n[0];
                bobOnB.send(typing(id, cast.conversationId()));
                JsonObject answer =
                    bobOnB.awaitOne(
                        f -> id.equals(f.getString("id")), ConversationCalls.EVENT_WAIT);
                return "error".equals(answer.getString("type"))
                    ? answer.getJsonObject("data").getString("code")
                    : null;
              },
              removed + BOUND.toNanos(),
              () -> "bob's typing on B still acked " + BOUND + " after his removal");
      long typingRefusedMillis = (System.nanoTime() - removed) / 1_000_000;
      assertThat(code).isEqualTo("not_found");
      System.out.printf(
          "removal with its notice lost (TTL %d ms): send refused after %d ms, typing after %d ms%n",
          TTL.toMillis(), sendRefusedMillis, typingRefusedMillis);
    }
  }

  /** The removal commits; its notice (and any stream event) never reaches B. */
  private void removeWithoutNotice(Cast cast) {
    Cluster.await(
        pool()
            .preparedQuery("DELETE FROM members WHERE conversation_id = $1 AND user_id = $2")
            .execute(Tuple.of(cast.conversationId(), cast.bob())));
  }

  private static JsonObject typing(String id, String conversationId) {
    return new JsonObject()
        .put("type", "typing.start")
        .put("id", id)
        .put("data", new JsonObject().put("conversation_id", conversationId));
  }
}
