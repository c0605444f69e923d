package dev.parley.contract.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireUnitTests {
  @Test
  void dedupIdIsStableAndDoesNotConfuseFieldBoundaries() {
    assertThat(Ids.dedupId("c", "alice", "m1")).isEqualTo(Ids.dedupId("c", "alice", "m1"));
    assertThat(Ids.dedupId("c", "a:b", "c")).isNotEqualTo(Ids.dedupId("c", "a", "b:c"));
    assertThat(Ids.dedupId("c1", "alice", "m1")).isNotEqualTo(Ids.dedupId("c2", "alice", "m1"));
    assertThat(Ids.dedupId("c", "alice", "x".repeat(128))).hasSize(43);
  }

  @Test
  void generatedIdsAreSubjectSafe() {
    String id = Ids.newId();
    assertThat(Ids.isGeneratedId(id)).isTrue();
    assertThat(id).doesNotContain(".", "*", ">", " ");
  }

  @Test
  void generatedIdsNeverRepeatWithinOrAcrossThreads() throws Exception {
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Runnable draw =
        () -> {
          for (int i = 0; i < 50_000; i++) {
            String id = Ids.newId();
            assertThat(Ids.isGeneratedId(id)).isTrue();
            seen.add(id);
          }
        };
    Thread other = new Thread(draw);
    other.start();
    draw.run();
    other.join();
    assertThat(seen).hasSize(100_000);
  }

  @Test
  void userIdsFollowTheContract() {
    assertThat(Ids.isUserId("alice.smith@example.com:1_-")).isTrue();
    assertThat(Ids.isUserId("")).isFalse();
    assertThat(Ids.isUserId("has space")).isFalse();
    assertThat(Ids.isUserId("x".repeat(129))).isFalse();
  }

  @Test
  void aDraftReadBackWithItsSeqIsTheMessageObject() {
    ChatMessage draft =
        new ChatMessage(
            "id1",
            "conv",
            0,
            null,
            "alice",
            ChatMessage.TEXT,
            "hi",
            null,
            new JsonArray(),
            new JsonArray(),
            "c1",
            Instant.parse("2026-01-01T00:00:00Z"),
            null,
            false,
            null);
    JsonObject stored =
        ChatMessage.fromDraft(draft.toDraftJson(), 42, ChatMessage.prevSeqFromStream(0)).toJson();
    assertThat(stored.getLong("seq")).isEqualTo(42);
    assertThat(stored.getValue("prev_seq")).isNull();
    assertThat(stored.getString("content")).isEqualTo("hi");
    assertThat(stored.getString("client_msg_id")).isEqualTo("c1");
    assertThat(stored.getString("created_at")).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(stored.getBoolean("deleted")).isFalse();
    assertThat(ChatMessage.prevSeqFromStream(41)).isEqualTo(41L);
  }

  @Test
  void aDeletedMessageKeepsItsPlaceButNotItsContent() {
    ChatMessage deleted =
        new ChatMessage(
            "id1",
            "conv",
            7,
            5L,
            "alice",
            ChatMessage.TEXT,
            "secret",
            null,
            new JsonArray().add(new JsonObject().put("id", "f")),
            new JsonArray(),
            null,
            Instant.now(),
            null,
            true,
            null);
    JsonObject json = deleted.toJson();
    assertThat(json.getValue("content")).isNull();
    assertThat(json.getJsonArray("attachments")).isEmpty();
    assertThat(json.getLong("seq")).isEqualTo(7);
  }

  @Test
  void subjectsKeepMessagesAndOtherEventsApartAndParseBack() {
    Subjects s = new Subjects("chat");
    assertThat(s.streamMessages("abc")).isEqualTo("chat.stream.conv.abc.msg");
    assertThat(s.streamEvents("abc")).isEqualTo("chat.stream.conv.abc.event");
    assertThat(s.conversationOf("chat.fanout.conv.abc.msg")).isEqualTo("abc");
    assertThat(Subjects.kindOf("chat.fanout.conv.abc.event")).isEqualTo("event");
    assertThat(s.conversationEvents("abc")).isEqualTo("chat.conv.abc.events");
  }

  @Test
  void framesHaveTheContractShape() {
    assertThat(Frames.error("7", ErrorCode.NOT_FOUND, "nope").encode())
        .isEqualTo(
            "{\"type\":\"error\",\"id\":\"7\",\"data\":{\"code\":\"not_found\",\"message\":\"nope\"}}");
    assertThat(
            Frames.errorBody(ErrorCode.RATE_LIMITED, "slow down")
                .getJsonObject("error")
                .getString("code"))
        .isEqualTo("rate_limited");
    assertThat(ErrorCode.UNAVAILABLE.httpStatus()).isEqualTo(503);
  }
}
