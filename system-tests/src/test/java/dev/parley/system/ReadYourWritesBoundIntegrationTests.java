package dev.parley.system;

import static dev.parley.system.ConversationCalls.details;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bound of {@code PARLEY_READ_MAX_STREAM_SCAN} (40 here): with the worker further behind than
 * that, reads over all of a user's conversations (the list, search) answer 503 and retry is
 * advised, while reads of one conversation and lookups of what was just acknowledged still answer
 * at once. Once the worker is back within the bound the list answers again.
 */
class ReadYourWritesBoundIntegrationTests extends OnTwoNodes {
  private static final int BOUND = 40;

  ReadYourWritesBoundIntegrationTests(TestEnvironment env) {
    super(env, Map.of("PARLEY_READ_MAX_STREAM_SCAN", Integer.toString(BOUND)));
  }

  @Test
  void pastTheBoundTheListAndSearchAskForARetryWhileOneConversationsReadsAndLookupsStillAnswer() {
    Cast c = cast("bound");
    String other = nodes.apiA.createGroup(c.carolToken(), "backlog", List.of()).getString("id");
    nodes.cluster.stopWorker();
    JsonObject sent;
    try {
      for (int i = 0; i <= BOUND; i++) {
        MessageApi.sent(nodes.apiA, c.carolToken(), other, "backlog " + i);
      }
      sent = MessageApi.sent(nodes.apiA, c.bobToken(), c.conversationId(), "newest");

      Api.Reply list =
          nodes.apiB.call(HttpMethod.GET, "/api/v1/conversations", c.aliceToken(), null);
      assertThat(list.status()).isEqualTo(503);
      assertThat(ConversationCalls.errorCode(list)).isEqualTo("unavailable");
      assertThat(list.headers().get("Retry-After")).isEqualTo("1");
      assertThat(
              nodes
                  .apiB
                  .call(HttpMethod.GET, "/api/v1/search/messages?q=newest", c.aliceToken(), null)
                  .status())
          .isEqualTo(503);

      Api.Reply scoped =
          nodes.apiB.call(
              HttpMethod.GET,
              "/api/v1/search/messages?q=newest&conversation_id=" + c.conversationId(),
              c.aliceToken(),
              null);
      assertThat(scoped.status())
          .as("one conversation: its own subject, no bound but the history tail's")
          .isEqualTo(200);
      assertThat(scoped.body().getJsonArray("items")).hasSize(1);
      assertThat(details(nodes.apiB, c.aliceToken(), c.conversationId()).body().getLong("last_seq"))
          .isEqualTo(sent.getLong("seq"));
      assertThat(
              MessageApi.inHistory(
                  nodes.apiB, c.aliceToken(), c.conversationId(), sent.getString("id")))
          .isEqualTo(sent);
      assertThat(MessageApi.read(nodes.apiB, c.aliceToken(), sent.getString("id")).status())
          .as("the newest entries are read first: found")
          .isEqualTo(204);
    } finally {
      nodes.cluster.startWorker();
    }
    JsonObject listed =
        Await.until(
            () -> {
              Api.Reply r =
                  nodes.apiB.call(HttpMethod.GET, "/api/v1/conversations", c.aliceToken(), null);
              return r.status() == 200
                  ? ConversationCalls.listed(nodes.apiB, c.aliceToken(), c.conversationId())
                  : null;
            },
            System.nanoTime() + Duration.ofSeconds(20).toNanos(),
            () -> "the list did not answer once the worker caught up");
    assertThat(listed.getJsonObject("last_message").getString("id"))
        .isEqualTo(sent.getString("id"));
  }
}
