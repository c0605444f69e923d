package dev.parley.gateway.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.ChatMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each partition's stream counts its own seq: a copy is known by conversation and seq together. */
class StoredCopiesUnitTests {
  private final Vertx vertx = Vertx.vertx();
  private final StoredCopies copies = new StoredCopies(vertx);

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aSendWaitingForItsSeqIsNotAnsweredWithAnotherConversationsMessageOfTheSameSeq()
      throws Exception {
    Future<ChatMessage> mine = copies.await("c-mine", 7, Duration.ofSeconds(5));
    copies.seen(message("c-other", 7, "not yours"));
    assertThat(mine.isComplete()).isFalse();
    copies.seen(message("c-mine", 7, "yours"));
    assertThat(mine.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).content())
        .isEqualTo("yours");
  }

  @Test
  void recentCopiesOfTheSameSeqInTwoConversationsAreBothKept() {
    copies.seen(message("c-a", 3, "in a"));
    copies.seen(message("c-b", 3, "in b"));
    assertThat(copies.recent("c-a", 3).content()).isEqualTo("in a");
    assertThat(copies.recent("c-b", 3).content()).isEqualTo("in b");
    assertThat(copies.recent("c-c", 3)).isNull();
  }

  @Test
  void aCopySeenBeforeTheWaitAnswersAtOnce() throws Exception {
    copies.seen(message("c-a", 9, "early"));
    assertThat(
            copies
                .await("c-a", 9, Duration.ofSeconds(5))
                .toCompletionStage()
                .toCompletableFuture()
                .get(1, TimeUnit.SECONDS)
                .content())
        .isEqualTo("early");
  }

  @Test
  void aWaitNobodyAnswersTimesOutNamingTheConversationAndSeq() {
    Future<ChatMessage> waiting = copies.await("c-a", 11, Duration.ofMillis(20));
    assertThat(waiting.toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOf(TimeoutException.class)
        .withMessageContaining("seq 11")
        .withMessageContaining("conversation c-a");
  }

  @Test
  void theOldestCopiesMakeRoomPastTheCapacity() {
    for (int seq = 1; seq <= StoredCopies.RECENT_CAPACITY + 1; seq++) {
      copies.seen(message("c-a", seq, "m" + seq));
    }
    assertThat(copies.recent("c-a", 1)).isNull();
    assertThat(copies.recent("c-a", StoredCopies.RECENT_CAPACITY + 1)).isNotNull();
  }

  private static ChatMessage message(String conversationId, long seq, String content) {
    return new ChatMessage(
        "m-" + conversationId + "-" + seq,
        conversationId,
        seq,
        null,
        "alice",
        "text",
        content,
        null,
        null,
        null,
        null,
        Instant.parse("2026-12-05T00:00:00Z"),
        null,
        false,
        null);
  }
}
