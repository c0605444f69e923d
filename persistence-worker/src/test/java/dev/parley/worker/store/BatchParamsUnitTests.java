package dev.parley.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BatchParamsUnitTests {
  private static final OffsetDateTime T0 = OffsetDateTime.parse("2024-05-01T10:00:00Z");

  private static MessageRow row(String id, String conversation, long seq, List<String> files) {
    return new MessageRow(
        id,
        conversation,
        seq,
        "alice",
        "text",
        "hi " + id,
        null,
        "c-" + id,
        null,
        T0.plusSeconds(seq),
        files);
  }

  private final List<MessageRow> rows =
      List.of(
          row("m1", "zeta", 5, List.of()),
          row("m2", "alpha", 6, List.of("f1", "f2")),
          row("m3", "zeta", 9, List.of("f3")));

  @Test
  void messagesBecomeOneArrayPerColumnInTheOrderOfTheInsert() {
    Tuple t = BatchParams.messages(rows);

    assertThat(t.size()).as("one parameter per unnest() column").isEqualTo(10);
    assertThat((String[]) t.getValue(0)).containsExactly("m1", "m2", "m3");
    assertThat((String[]) t.getValue(1)).containsExactly("zeta", "alpha", "zeta");
    assertThat((Long[]) t.getValue(2)).containsExactly(5L, 6L, 9L);
    assertThat((String[]) t.getValue(3)).containsExactly("alice", "alice", "alice");
    assertThat((String[]) t.getValue(4)).containsExactly("text", "text", "text");
    assertThat((String[]) t.getValue(5)).containsExactly("hi m1", "hi m2", "hi m3");
    assertThat((String[]) t.getValue(6)).containsExactly(null, null, null);
    assertThat((String[]) t.getValue(7)).containsExactly("c-m1", "c-m2", "c-m3");
    assertThat((String[]) t.getValue(8)).containsExactly(null, null, null);
    assertThat((OffsetDateTime[]) t.getValue(9))
        .containsExactly(T0.plusSeconds(5), T0.plusSeconds(6), T0.plusSeconds(9));
  }

  @Test
  void conversationsAreLockedOnceEachInIdOrder() {
    assertThat((String[]) BatchParams.conversationIds(rows).getValue(0))
        .containsExactly("alpha", "zeta");
  }

  @Test
  void keysPairConversationAndSeq() {
    Tuple t = BatchParams.keys(List.of("zeta", "alpha", "zeta"), List.of(5L, 6L, 9L));
    assertThat((String[]) t.getValue(0)).containsExactly("zeta", "alpha", "zeta");
    assertThat((Long[]) t.getValue(1)).containsExactly(5L, 6L, 9L);
  }

  @Test
  void attachmentsAreOneElementPerFileWithItsPosition() {
    Tuple t = BatchParams.attachments(rows);
    assertThat((String[]) t.getValue(0)).containsExactly("m2", "m2", "m3");
    assertThat((String[]) t.getValue(1)).containsExactly("f1", "f2", "f3");
    assertThat((Integer[]) t.getValue(2)).containsExactly(0, 1, 0);
    assertThat(BatchParams.attachments(List.of(rows.get(0))))
        .as("no statement when no files")
        .isNull();
  }

  @Test
  void deadLettersKeepStreamSubjectHeadersBytesErrorAndConversation() {
    byte[] payload = {'{', 0, (byte) 0xff};
    Tuple t =
        BatchParams.deadLetters(
            List.of(
                new DeadLetter("S_P1_OF_2", 12, "s.msg", "{}", payload, "undecodable: x", "c")));
    assertThat((String[]) t.getValue(0)).containsExactly("S_P1_OF_2");
    assertThat((Long[]) t.getValue(1)).containsExactly(12L);
    assertThat((String[]) t.getValue(2)).containsExactly("s.msg");
    assertThat((String[]) t.getValue(3)).containsExactly("{}");
    assertThat(((Buffer[]) t.getValue(4))[0].getBytes()).isEqualTo(payload);
    assertThat((String[]) t.getValue(5)).containsExactly("undecodable: x");
    assertThat((String[]) t.getValue(6)).containsExactly("c");
  }

  @Test
  void everyStatementTakesAsManyParametersAsItsTupleHas() {
    assertThat(placeholders(BatchSql.LOCK_CONVERSATIONS))
        .isEqualTo(BatchParams.conversationIds(rows).size());
    assertThat(placeholders(BatchSql.STORE_MESSAGES)).isEqualTo(BatchParams.messages(rows).size());
    assertThat(placeholders(BatchSql.INSERT_ATTACHMENTS))
        .isEqualTo(BatchParams.attachments(rows).size());
    assertThat(placeholders(BatchSql.REPAIR_PREV_SEQ))
        .isEqualTo(BatchParams.keys(List.of("a"), List.of(1L)).size());
    assertThat(placeholders(BatchSql.INSERT_DEAD_LETTERS)).isEqualTo(7);
  }

  private static int placeholders(String sql) {
    int max = 0;
    Matcher m = Pattern.compile("\\$(\\d+)").matcher(sql);
    while (m.find()) {
      max = Math.max(max, Integer.parseInt(m.group(1)));
    }
    return max;
  }
}
