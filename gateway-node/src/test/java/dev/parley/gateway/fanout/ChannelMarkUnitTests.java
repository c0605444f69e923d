package dev.parley.gateway.fanout;

import static dev.parley.gateway.fanout.FanoutTestbed.CONVERSATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.EventType;
import dev.parley.gateway.fanout.FanoutTestbed.Conn;
import dev.parley.gateway.fanout.FanoutTestbed.Received;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where a new channel's chains start: its mark, the stream's last sequence once it is subscribed.
 * A first entry whose predecessor is past the mark waits for it; one at or below it goes at once.
 */
class ChannelMarkUnitTests {
  private final FanoutTestbed bed = new FanoutTestbed(100);

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void aResumedConnectionOnAFreshChannelGetsAnEntryWhoseLiveCopyWasOvertakenByTheNext() {
    // a client reconnects and resumes with after_seq: its connection joins a conversation this
    // node had not subscribed; the first two messages sent after it are republished out of order
    bed.storeMessages(99); // 1..99: before the reconnect (the client reads them from history)
    bed.on(
        () -> {
          bed.feed.seen(0, 99);
          return null;
        });
    Conn bob = bed.connected("bob");
    long hundred = bed.storeMessage();
    long next = bed.storeMessage();
    bed.arriveLive(next, hundred);
    bed.await("both messages delivered", () -> bob.seqs().size() >= 2);
    assertThat(bed.seqsOf(bob)).containsExactly(hundred, next);
    assertThat(bed.framesOf(bob)).extracting(Received::prevSeq).containsExactly(99L, hundred);
    assertThat(bed.stream.reads()).as("the predecessor came live: nothing read").isEmpty();
  }

  @Test
  void messagesOvertakenWhileACatchUpHeldThemGoOutInOrderAfterAnEventStartedTheOtherChain() {
    Conn alice = bed.connected("alice"); // mark 0: the stream is empty
    long added = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 1
    bed.arriveLive(added); // alice has received only an event so far
    Conn bob = bed.attachedElsewhere("bob");
    bed.stream.pause();
    bed.added(added, bob);
    bed.storeMessages(3); // 2, 3, 4
    bed.arriveLive(3, 2, 4); // held while bob catches up; 3 overtook 2
    bed.on(
        () -> {
          bed.stream.resume();
          return null;
        });
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(bed.framesOf(alice))
        .extracting(Received::prevSeq)
        .containsExactly(null, null, 2L, 3L);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aFirstEntryWhosePredecessorIsAtOrBelowTheMarkGoesOutAtOnce() {
    long five = bed.storeMessages(5); // before the subscription: the client's to fetch
    Conn bob = bed.connected("bob");
    long six = bed.storeMessage();
    bed.arriveLive(six);
    assertThat(bed.seqsOf(bob)).containsExactly(six);
    assertThat(bed.framesOf(bob)).extracting(Received::prevSeq).containsExactly(five);
    // a late copy of an entry up to the mark comes after its successor started the chain: the
    // client has it from history, and the chain does not go back
    bed.arriveLive(five);
    assertThat(bed.seqsOf(bob)).containsExactly(six);
    assertThat(bed.stream.reads()).as("no wait, no read").isEmpty();
    assertThat(bed.on(() -> bed.table.get(CONVERSATION).order().hasGaps())).isFalse();
  }

  @Test
  void aFirstEntryWhosePredecessorPastTheMarkNeverComesLiveWaitsForItFromTheStream() {
    long five = bed.storeMessages(5);
    Conn bob = bed.connected("bob"); // mark 5
    long six = bed.storeMessage(); // its live copy is lost
    long seven = bed.storeMessage();
    bed.arriveLive(seven);
    assertThat(bed.seqsOf(bob)).as("7 waits for 6").isEmpty();
    bed.await("6 is read from the stream", () -> bob.seqs().size() == 2);
    assertThat(bed.seqsOf(bob)).containsExactly(six, seven);
    assertThat(bed.framesOf(bob)).extracting(Received::prevSeq).containsExactly(five, six);
    assertThat(bed.stream.reads())
        .first()
        .as("read from after the mark")
        .isEqualTo(new FakeStream.Read(6, bed.subjects.streamMessages(CONVERSATION)));
  }

  @Test
  void liveEntriesWaitWhileTheMarkIsReadAndOneReadServesEveryChannelOpenedTogether() {
    bed.storeMessages(10);
    bed.on(
        () -> {
          bed.stream.pauseEndReads();
          return null;
        });
    Conn bob = bed.connected("bob");
    List<Channel> others = bed.on(() -> bed.table.openAll(List.of(CONVERSATION, "c2", "c3")));
    assertThat(bed.on(bed.stream::endReads))
        .as("c1 on its own, then c2 and c3 at once")
        .isEqualTo(2);
    assertThat(others.get(0)).isSameAs(bed.on(() -> bed.table.get(CONVERSATION)));
    long eleven = bed.storeMessage();
    long twelve = bed.storeMessage();
    bed.arriveLive(twelve, eleven);
    assertThat(bed.seqsOf(bob)).as("waiting for the mark").isEmpty();
    assertThat(bed.on(() -> others.get(1).markRead().isComplete())).isFalse();
    bed.on(
        () -> {
          bed.stream.answerEndReads(10);
          return null;
        });
    assertThat(bed.seqsOf(bob)).containsExactly(eleven, twelve);
    assertThat(bed.on(() -> others.get(1).markRead().isComplete())).isTrue();
    assertThat(bed.on(() -> others.get(2).mark())).isEqualTo(10);
  }

  @Test
  void withoutAMarkAFirstEntryWaitsForItsPredecessorAndReadsItFromTheStream() {
    long four = bed.storeMessages(4);
    long five = bed.storeMessage();
    bed.on(
        () -> {
          bed.stream.failEndReads(1); // NATS away when the channel is subscribed
          return null;
        });
    Conn bob = bed.connected("bob");
    assertThat(bed.on(() -> bed.table.get(CONVERSATION).mark())).isEqualTo(-1);
    long six = bed.storeMessage();
    bed.arriveLive(six);
    assertThat(bed.seqsOf(bob)).as("is 5 owed? unknown: 6 waits").isEmpty();
    bed.await("5 is read from the stream", () -> bob.seqs().size() == 2);
    assertThat(bed.seqsOf(bob))
        .as("5 perhaps twice for the client (merged by seq), never a hole")
        .containsExactly(five, six);
    assertThat(bed.framesOf(bob)).extracting(Received::prevSeq).containsExactly(four, five);
    assertThat(bed.stream.reads())
        .first()
        .as("the predecessor itself, no further back")
        .isEqualTo(new FakeStream.Read(five, bed.subjects.streamMessages(CONVERSATION)));
  }

  @Test
  void withoutAMarkTheConversationsFirstEntryStillGoesOutAtOnce() {
    bed.on(
        () -> {
          bed.stream.failEndReads(1);
          return null;
        });
    Conn bob = bed.connected("bob");
    long first = bed.storeMessage();
    bed.arriveLive(first);
    assertThat(bed.seqsOf(bob)).containsExactly(first);
    assertThat(bed.stream.reads()).isEmpty();
  }
}
