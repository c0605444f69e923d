package dev.parley.worker.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.worker.relay.RelayBatch.Stored;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayBatchUnitTests {
  private static final Subjects SUBJECTS = new Subjects("t");
  private static final String CONV = "AAAAAAAAAAAAAAAAAAAAAA";

  @Test
  void aMessageBecomesTheMessageNewFrameAGatewayWritesWithItsStoredPrevSeq() {
    ChatMessage draft =
        new ChatMessage(
            "m1",
            CONV,
            0,
            null,
            "alice",
            ChatMessage.TEXT,
            "hi",
            null,
            new JsonArray(),
            new JsonArray(),
            "c1",
            Instant.parse("2026-01-02T03:04:05Z"),
            null,
            false,
            null);
    RelayBatch batch = RelayBatch.decode(List.of(msg(12, draft.toDraftJson())), SUBJECTS, 0);

    List<RelayBatch.Outgoing> out = batch.frames(Map.of(12L, new Stored(true, 7L)));

    assertThat(out)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.subject()).isEqualTo("t.conv." + CONV + ".events");
              assertThat(o.seq()).isEqualTo(12);
              // the exact bytes a gateway writes: same builder, same field order
              String gatewayFrame =
                  Frames.event(
                          EventType.MESSAGE_NEW,
                          ChatMessage.fromDraft(
                                  draft.toDraftJson(), 12, ChatMessage.prevSeqFromStream(7))
                              .toJson())
                      .encode();
              assertThat(o.frame()).isEqualTo(gatewayFrame);
              JsonObject data = new JsonObject(o.frame()).getJsonObject("data");
              assertThat(data.getLong("seq")).isEqualTo(12);
              assertThat(data.getLong("prev_seq")).isEqualTo(7);
              assertThat(data.getString("content")).isEqualTo("hi");
            });
  }

  @Test
  void theFirstMessageHasANullPrevSeq() {
    RelayBatch batch = RelayBatch.decode(List.of(msg(3, draft("m1"))), SUBJECTS, 0);
    String frame = batch.frames(Map.of(3L, new Stored(true, null))).get(0).frame();
    assertThat(new JsonObject(frame).getJsonObject("data").containsKey("prev_seq")).isTrue();
    assertThat(new JsonObject(frame).getJsonObject("data").getValue("prev_seq")).isNull();
  }

  @Test
  void anEventGoesOutAsItIsAndNeedsNoStoredRow() {
    JsonObject event =
        Frames.event(
            EventType.MEMBER_ADDED,
            new JsonObject().put("conversation_id", CONV).put("user_id", "bob"));
    RelayBatch batch = RelayBatch.decode(List.of(event(5, event)), SUBJECTS, 0);

    assertThat(batch.highestMessageSeq()).isZero();
    assertThat(batch.messages()).isEmpty();
    assertThat(batch.frames(Map.of()))
        .singleElement()
        .satisfies(o -> assertThat(new JsonObject(o.frame())).isEqualTo(event));
  }

  @Test
  void entriesKeepStreamOrderAndTheBatchWaitsForItsHighestMessage() {
    RelayBatch batch =
        RelayBatch.decode(
            List.of(
                msg(4, draft("a")),
                event(5, Frames.event("x.y", new JsonObject())),
                msg(6, draft("b")),
                event(7, Frames.event("x.z", new JsonObject()))),
            SUBJECTS,
            0);

    assertThat(batch.highestMessageSeq()).isEqualTo(6);
    assertThat(batch.highestSeq()).isEqualTo(7);
    assertThat(batch.frames(Map.of(4L, new Stored(true, null), 6L, new Stored(true, 4L))))
        .extracting(RelayBatch.Outgoing::seq)
        .containsExactly(4L, 5L, 6L, 7L);
  }

  @Test
  void whatWasRelayedAlreadyInThisTermIsPassedOver() {
    RelayBatch batch =
        RelayBatch.decode(List.of(msg(4, draft("a")), msg(9, draft("b"))), SUBJECTS, 8);

    assertThat(batch.entries()).extracting(RelayBatch.Entry::seq).containsExactly(9L);
    assertThat(batch.skipped()).containsEntry(RelayBatch.ALREADY_RELAYED, 1);
    assertThat(batch.notes()).isEmpty();
    assertThat(batch.highestSeq()).isEqualTo(9);
  }

  @Test
  void aMessageWithNoRowAndAnUnreadableEntryAreLeftOutAndNoted() {
    RelayBatch batch =
        RelayBatch.decode(
            List.of(
                new StoredEntry(
                    "T_STREAM",
                    1,
                    "t.stream.conv." + CONV + ".msg",
                    "not json".getBytes(StandardCharsets.UTF_8)),
                msg(2, draft("kept-out")),
                msg(3, draft("stored"))),
            SUBJECTS,
            0);

    List<RelayBatch.Outgoing> out =
        batch.frames(Map.of(2L, new Stored(false, null), 3L, new Stored(true, null)));

    assertThat(out).extracting(RelayBatch.Outgoing::seq).containsExactly(3L);
    assertThat(batch.skipped())
        .containsEntry(RelayBatch.UNDECODABLE, 1)
        .containsEntry(RelayBatch.NOT_STORED, 1);
    assertThat(batch.notes()).hasSize(2);
    assertThat(batch.highestSeq()).isEqualTo(3);
  }

  private static JsonObject draft(String id) {
    return new ChatMessage(
            id,
            CONV,
            0,
            null,
            "alice",
            ChatMessage.TEXT,
            "text " + id,
            null,
            new JsonArray(),
            new JsonArray(),
            null,
            Instant.now(),
            null,
            false,
            null)
        .toDraftJson();
  }

  private static StoredEntry msg(long seq, JsonObject draft) {
    return new StoredEntry(
        "T_STREAM",
        seq,
        SUBJECTS.streamMessages(CONV),
        draft.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static StoredEntry event(long seq, JsonObject event) {
    return new StoredEntry(
        "T_STREAM",
        seq,
        SUBJECTS.streamEvents(CONV),
        event.encode().getBytes(StandardCharsets.UTF_8));
  }
}
