package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Event.MessageNew;
import java.util.List;
import org.junit.jupiter.api.Test;

class FollowedUnitTests {
  private static MessageNew m(long seq, Long prev) {
    return new MessageNew("c1", seq, prev, "u", "x", null, null, false);
  }

  private static List<Long> seqs(List<MessageNew> ms) {
    return ms.stream().map(MessageNew::seq).toList();
  }

  @Test
  void liveMessagesInChainAreDeliveredAndRepeatsDropped() {
    Followed f = new Followed();
    f.follow("c1", 0);
    assertThat(f.onLive(m(3, null))).isEqualTo(Followed.Live.DELIVER);
    assertThat(f.onLive(m(7, 3L))).isEqualTo(Followed.Live.DELIVER);
    assertThat(f.onLive(m(7, 3L))).isEqualTo(Followed.Live.DUPLICATE);
    assertThat(f.highest("c1")).isEqualTo(7);
  }

  @Test
  void aPrevSeqPastWhatWasDeliveredIsAGapThatHoldsUntilTheReadEnds() {
    Followed f = new Followed();
    f.follow("c1", 0);
    f.onLive(m(3, null));
    assertThat(f.onLive(m(9, 5L))).isEqualTo(Followed.Live.GAP);
    assertThat(f.beginRead("c1")).isEqualTo(3);
    assertThat(f.onLive(m(11, 9L))).isEqualTo(Followed.Live.HELD);
    assertThat(seqs(f.onHistory("c1", List.of(m(5, 3L), m(9, 5L))))).containsExactly(5L, 9L);
    assertThat(seqs(f.endRead("c1"))).containsExactly(11L);
    assertThat(f.onLive(m(12, 11L))).isEqualTo(Followed.Live.DELIVER);
  }

  @Test
  void aResumeReadsAfterWhatWasDeliveredAndMergesHeldLiveMessagesOnceInOrder() {
    Followed f = new Followed();
    f.follow("c1", 4);
    f.onLive(m(6, 4L));
    // the connection ended; a new one opens: live messages are held while history is read
    assertThat(f.beginRead("c1")).isEqualTo(6);
    f.onLive(m(12, 10L));
    f.onLive(m(10, 8L));
    List<MessageNew> history = f.onHistory("c1", List.of(m(8, 6L), m(10, 8L)));
    assertThat(seqs(history)).containsExactly(8L, 10L);
    assertThat(seqs(f.endRead("c1"))).containsExactly(12L);
    assertThat(f.reading("c1")).isFalse();
  }

  @Test
  void messagesOfConversationsNotFollowedPassThrough() {
    Followed f = new Followed();
    f.follow("c1", 0);
    assertThat(f.onLive(new MessageNew("other", 1, 9L, "u", "", null, null, false)))
        .isEqualTo(Followed.Live.DELIVER);
  }
}
