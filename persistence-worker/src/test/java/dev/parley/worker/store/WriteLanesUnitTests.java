package dev.parley.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteLanesUnitTests {

  private static MessageRow row(String conversation, long seq) {
    return new MessageRow(
        "m" + seq,
        conversation,
        seq,
        "u",
        "text",
        "x",
        null,
        null,
        null,
        OffsetDateTime.now(),
        List.of());
  }

  @Test
  void everyConversationIsInOneLaneOnlyAndNoRowIsLostOrReordered() {
    List<MessageRow> rows = new ArrayList<>();
    for (long seq = 1; seq <= 300; seq++) {
      rows.add(row("c" + (seq % 37), seq));
    }

    List<List<MessageRow>> lanes = MessageStore.byConversation(rows, 4);

    assertThat(lanes).hasSizeBetween(2, 4).allSatisfy(l -> assertThat(l).isNotEmpty());
    Map<String, Integer> laneOf = new HashMap<>();
    for (int i = 0; i < lanes.size(); i++) {
      for (MessageRow r : lanes.get(i)) {
        assertThat(laneOf.putIfAbsent(r.conversationId(), i)).isIn(null, i);
      }
      assertThat(lanes.get(i)).extracting(MessageRow::seq).isSorted();
    }
    assertThat(lanes.stream().mapToInt(List::size).sum()).isEqualTo(rows.size());
  }

  @Test
  void oneLaneOrOneConversationIsOneTransaction() {
    List<MessageRow> rows = List.of(row("a", 1), row("b", 2), row("a", 3));
    assertThat(MessageStore.byConversation(rows, 1)).containsExactly(rows);
    List<MessageRow> single = List.of(row("a", 1), row("a", 2));
    assertThat(MessageStore.byConversation(single, 8)).containsExactly(single);
    assertThat(MessageStore.byConversation(List.of(), 8)).isEmpty();
  }
}
