package dev.parley.gateway.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryOrderUnitTests {
  private static EntryOrder.Entry msg(long seq, long previous) {
    return new EntryOrder.Entry(seq, previous, "msg", new JsonObject());
  }

  private static EntryOrder.Entry event(long seq, long previous) {
    return new EntryOrder.Entry(seq, previous, "event", new JsonObject());
  }

  private static List<Long> seqs(List<EntryOrder.Entry> entries) {
    return entries.stream().map(EntryOrder.Entry::seq).toList();
  }

  @Test
  void inOrderEntriesGoOutAsTheyCome() {
    EntryOrder order = new EntryOrder();
    order.markAt(3);
    assertThat(seqs(order.accept(msg(5, 3)))).containsExactly(5L);
    assertThat(seqs(order.accept(msg(9, 5)))).containsExactly(9L);
    assertThat(order.kindsWithGaps()).isEmpty();
  }

  @Test
  void droppedHeldEntriesAreForgottenAndTheirLowestSequenceNamed() {
    EntryOrder order = new EntryOrder();
    order.accept(msg(5, 0));
    order.accept(event(2, 0));
    order.accept(msg(14, 12));
    order.accept(msg(12, 9));
    order.accept(event(11, 7));
    assertThat(order.heldCount()).isEqualTo(3);
    assertThat(order.dropHeld()).isEqualTo(11);
    assertThat(order.heldCount()).isZero();
    assertThat(order.hasGaps()).isFalse();
    // what a read-back delivers next continues the chain where it stood
    assertThat(seqs(order.accept(msg(9, 5)))).containsExactly(9L);
    assertThat(order.dropHeld()).isZero();
  }

  @Test
  void anEntryThatOvertookItsPredecessorWaitsForIt() {
    EntryOrder order = new EntryOrder();
    order.accept(msg(5, 0));
    assertThat(order.accept(msg(12, 9))).isEmpty();
    assertThat(order.accept(msg(14, 12))).isEmpty();
    assertThat(order.kindsWithGaps()).containsExactly("msg");
    assertThat(seqs(order.accept(msg(9, 5)))).containsExactly(9L, 12L, 14L);
    assertThat(order.kindsWithGaps()).isEmpty();
  }

  @Test
  void duplicatesAreDroppedOnceDelivered() {
    EntryOrder order = new EntryOrder();
    order.accept(msg(5, 0));
    order.accept(msg(9, 5));
    assertThat(order.accept(msg(9, 5))).isEmpty();
    assertThat(order.accept(msg(5, 0))).isEmpty();
  }

  @Test
  void messagesAndOtherEventsAreSeparateChains() {
    EntryOrder order = new EntryOrder();
    order.accept(msg(5, 0));
    // an event with a smaller seq than the last message is not a duplicate: it is on another
    // subject
    assertThat(seqs(order.accept(event(4, 0)))).containsExactly(4L);
    assertThat(seqs(order.accept(event(7, 4)))).containsExactly(7L);
  }

  @Test
  void aGapFilledFromTheStreamReleasesWhatWaits() {
    EntryOrder order = new EntryOrder();
    order.accept(msg(5, 0));
    order.accept(msg(12, 9));
    // read back from the stream: its predecessor on the subject is the last delivered one
    assertThat(seqs(order.accept(msg(9, order.lastDelivered("msg"))))).containsExactly(9L, 12L);
  }

  @Test
  void aGapTheStreamCannotFillIsFlushedInOrder() {
    EntryOrder order = new EntryOrder();
    order.accept(msg(5, 0));
    order.accept(msg(14, 12));
    order.accept(msg(12, 9));
    assertThat(seqs(order.flush("msg"))).containsExactly(12L, 14L);
    assertThat(order.lastDelivered("msg")).isEqualTo(14L);
    assertThat(order.accept(msg(12, 9))).isEmpty();
  }

  @Test
  void aChainStartedWhereACatchUpEndedHoldsALiveEntryThatOvertookTheNext() {
    EntryOrder order = new EntryOrder();
    order.startAt("msg", 20);
    assertThat(order.accept(msg(20, 15))).as("read back already").isEmpty();
    assertThat(order.accept(msg(30, 25))).as("25 comes first").isEmpty();
    assertThat(seqs(order.accept(msg(25, 20)))).containsExactly(25L, 30L);
  }

  @Test
  void startingAChainNeverMovesOneThatHasBegun() {
    EntryOrder order = new EntryOrder();
    order.accept(event(7, 0));
    order.startAt("event", 40);
    assertThat(order.lastDelivered("event")).isEqualTo(7);
    order.startAt("msg", 0);
    assertThat(order.lastDelivered("msg")).isZero();
  }

  @Test
  void aFirstEntryWhosePredecessorIsPastTheMarkWaitsForIt() {
    EntryOrder order = new EntryOrder();
    order.markAt(10);
    assertThat(order.accept(msg(12, 11))).isEmpty();
    assertThat(order.gapReadFrom("msg")).as("everything past the mark is owed").isEqualTo(11);
    assertThat(seqs(order.accept(msg(11, 7)))).containsExactly(11L, 12L);
    assertThat(order.hasGaps()).isFalse();
  }

  @Test
  void aFirstEntryWhosePredecessorIsAtOrBelowTheMarkStartsItsChain() {
    EntryOrder order = new EntryOrder();
    order.markAt(10);
    assertThat(seqs(order.accept(msg(12, 10)))).containsExactly(12L);
    assertThat(seqs(order.accept(event(13, 4)))).containsExactly(13L);
    assertThat(order.accept(msg(10, 8))).as("the client's to fetch").isEmpty();
  }

  @Test
  void withoutAMarkOnlyAnEntryWithNoPredecessorStartsItsChain() {
    EntryOrder order = new EntryOrder();
    assertThat(seqs(order.accept(event(3, 0)))).containsExactly(3L);
    assertThat(order.accept(msg(9, 6))).isEmpty();
    assertThat(order.accept(msg(12, 9))).isEmpty();
    assertThat(order.gapReadFrom("msg")).as("the predecessor waited for").isEqualTo(6);
    order.startAt("msg", 5); // 6 read back: it starts the chain
    assertThat(seqs(order.accept(msg(6, 5)))).containsExactly(6L, 9L, 12L);
  }
}
