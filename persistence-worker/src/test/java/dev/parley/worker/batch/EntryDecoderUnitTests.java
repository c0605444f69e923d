package dev.parley.worker.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.worker.store.DeadLetter;
import dev.parley.worker.store.MessageRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryDecoderUnitTests {
  private final Subjects subjects = new Subjects("t1");
  private final EntryDecoder decoder = new EntryDecoder(subjects);

  private static ChatMessage draft(String id, String conversation) {
    return new ChatMessage(
        id,
        conversation,
        0,
        null,
        "alice",
        ChatMessage.TEXT,
        "hello",
        null,
        new JsonArray(),
        new JsonArray(),
        "c-" + id,
        Instant.parse("2024-05-01T10:00:00.123Z"),
        null,
        false,
        null);
  }

  private FakeDelivery message(ChatMessage m, long seq) {
    return new FakeDelivery(
        subjects.streamMessages(m.conversationId()), m.toDraftJson().encode(), seq);
  }

  @Test
  void draftBecomesARowAtItsStreamSequence() {
    EntryDecoder.Decoded d = decoder.decode(List.of(message(draft("m1", "conv1"), 42)));

    assertThat(d.store().deadLetters()).isEmpty();
    MessageRow row = d.store().messages().get(0);
    assertThat(row.id()).isEqualTo("m1");
    assertThat(row.conversationId()).isEqualTo("conv1");
    assertThat(row.seq()).isEqualTo(42);
    assertThat(row.senderId()).isEqualTo("alice");
    assertThat(row.type()).isEqualTo("text");
    assertThat(row.content()).isEqualTo("hello");
    assertThat(row.clientMsgId()).isEqualTo("c-m1");
    assertThat(row.system()).isNull();
    assertThat(row.createdAt())
        .isEqualTo(Instant.parse("2024-05-01T10:00:00.123Z").atOffset(ZoneOffset.UTC));
    assertThat(row.attachmentFileIds()).isEmpty();
  }

  @Test
  void systemMessageKeepsItsDetailsAndHasNoSender() {
    JsonObject json =
        draft("m2", "conv1")
            .toDraftJson()
            .put("sender_id", null)
            .put("type", "system")
            .put("content", "alice added bob")
            .put(
                "system",
                new JsonObject()
                    .put("event", "member.added")
                    .put("actor_id", "alice")
                    .put("user_id", "bob"));
    FakeDelivery entry = new FakeDelivery(subjects.streamMessages("conv1"), json.encode(), 7);

    MessageRow row = decoder.decode(List.of(entry)).store().messages().get(0);

    assertThat(row.senderId()).isNull();
    assertThat(row.type()).isEqualTo("system");
    assertThat(new JsonObject(row.system()).getString("user_id")).isEqualTo("bob");
  }

  @Test
  void attachmentsAreReadAsFileObjectsOrIds() {
    JsonObject json =
        draft("m3", "conv1")
            .toDraftJson()
            .put(
                "attachments",
                new JsonArray()
                    .add(new JsonObject().put("id", "f1").put("name", "a.png"))
                    .add("f2"));
    FakeDelivery entry = new FakeDelivery(subjects.streamMessages("conv1"), json.encode(), 8);

    assertThat(decoder.decode(List.of(entry)).store().messages().get(0).attachmentFileIds())
        .containsExactly("f1", "f2");
  }

  @Test
  void otherDurableEventsAreCountedByTypeAndNotStored() {
    FakeDelivery reaction =
        new FakeDelivery(
            subjects.streamEvents("conv1"), "{\"type\":\"reaction.added\",\"data\":{}}", 9);
    FakeDelivery odd =
        new FakeDelivery(
            subjects.streamEvents("conv1"), "{\"type\":\"Not A Type!\",\"data\":{}}", 10);

    EntryDecoder.Decoded d = decoder.decode(List.of(reaction, odd, reaction));

    assertThat(d.store().isEmpty()).isTrue();
    assertThat(d.skippedEvents()).containsEntry("reaction.added", 1).containsEntry("other", 1);
  }

  @Test
  void unreadableEntriesBecomeDeadLettersByteForByteWithTheError() {
    FakeDelivery garbage =
        new FakeDelivery(
            subjects.streamMessages("conv1"), "{\"content\":\"secret\" not json\u0000", 11);
    FakeDelivery noDate =
        new FakeDelivery(
            subjects.streamMessages("conv1"),
            draft("m4", "conv1").toDraftJson().put("created_at", "yesterday").encode(),
            12);
    FakeDelivery wrongConversation =
        new FakeDelivery(
            subjects.streamMessages("conv1"), draft("m5", "conv2").toDraftJson().encode(), 13);
    FakeDelivery badEvent = new FakeDelivery(subjects.streamEvents("conv1"), "[1,2", 14);
    FakeDelivery unknownKind = new FakeDelivery("t1.stream.conv.conv1.other", "{}", 15);
    FakeDelivery good = message(draft("m6", "conv1"), 16);

    EntryDecoder.Decoded d =
        decoder.decode(List.of(garbage, noDate, wrongConversation, badEvent, unknownKind, good));

    assertThat(d.store().messages()).extracting(MessageRow::id).containsExactly("m6");
    assertThat(d.store().deadLetters())
        .extracting(DeadLetter::streamSeq)
        .containsExactly(11L, 12L, 13L, 14L, 15L);
    DeadLetter first = d.store().deadLetters().get(0);
    assertThat(first.payload()).isEqualTo(garbage.data());
    assertThat(first.subject()).isEqualTo("t1.stream.conv.conv1.msg");
    assertThat(first.conversationId()).isEqualTo("conv1");
    assertThat(first.headersJson()).isEqualTo("{}");
    assertThat(first.error()).startsWith("undecodable: not valid JSON").doesNotContain("secret");
    assertThat(d.store().deadLetters().get(2).error())
        .contains("does not match subject conversation conv1");
    assertThat(d.store().deadLetters().get(4).error()).contains("unknown subject kind 'other'");
  }

  @Test
  void anEntryDeliveredTwiceIntoOneBatchCountsOnce() {
    FakeDelivery entry = message(draft("m7", "conv1"), 20);

    assertThat(decoder.decode(List.of(entry, entry)).store().messages()).hasSize(1);
  }
}
