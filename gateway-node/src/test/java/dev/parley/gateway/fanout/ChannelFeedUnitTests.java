package dev.parley.gateway.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.gateway.fanout.FanoutTestbed.Conn;
import dev.parley.gateway.fanout.FanoutTestbed.Received;
import io.nats.client.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Live delivery in stream order, gaps and their reads, against an in-memory stream. */
class ChannelFeedUnitTests {
  private final FanoutTestbed bed = new FanoutTestbed(100);

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void anEntryThatOvertookItsPredecessorWaitsForItAndBothGoOutInOrder() {
    Conn bob = bed.connected("bob");
    long last = bed.storeMessages(3);
    bed.arriveLive(1, 3, 2);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, last);
    assertThat(bed.framesOf(bob)).extracting(Received::prevSeq).containsExactly(null, 1L, 2L);
  }

  @Test
  void aPredecessorThatNeverArrivesLiveIsReadFromTheStream() {
    Conn bob = bed.connected("bob");
    bed.storeMessages(4);
    bed.arriveLive(1, 3, 4); // 2 was lost on the way
    assertThat(bed.seqsOf(bob)).containsExactly(1L);
    bed.await("the gap is read from the stream", () -> bob.seqs().size() == 4);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aGapReadThatRanBeforeTheEntriesWaitingWereStoredIsReadAgainNotSkipped() {
    Conn bob = bed.connected("bob");
    bed.storeMessages(3);
    bed.stream.pause();
    bed.arriveLive(1, 3); // 2 overtaken: 3 waits, the gap is read after a moment
    bed.await("the gap read", () -> bed.stream.waitingReads() == 1);
    bed.on(() -> bed.stream.answerWaiting()); // 2: then 3 goes out, and the read goes on from 3
    bed.await("the read from 3", () -> bed.stream.waitingReads() == 1);
    long five =
        bed.on(
            () -> {
              // the burst goes on: 5 arrives, its predecessor 4 was dropped at the hand-off; the
              // reads from 3 run before either is stored, so they find nothing past 3
              bed.storeMessages(2);
              bed.feed.deliver(FanoutTestbed.CONVERSATION, bed.liveCopy(5));
              bed.stream.answerWaitingAsOf(3);
              bed.stream.answerWaitingAsOf(3);
              return 5L;
            });
    assertThat(bed.on(() -> bed.stream.waitingReads()))
        .as("the gap is read again, not given up")
        .isEqualTo(1);
    bed.on(
        () -> {
          bed.stream.resume();
          return null;
        });
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L, 4L, five);
  }

  @Test
  void aGapTheStreamNoLongerHasIsGivenUpAndWhatWaitsGoesOutInOrder() {
    Conn bob = bed.connected("bob");
    bed.storeMessages(4);
    Message three = bed.liveCopy(3);
    Message four = bed.liveCopy(4);
    bed.on(
        () -> {
          bed.stream.forget(2); // aged out
          bed.feed.deliver(FanoutTestbed.CONVERSATION, bed.liveCopy(1));
          bed.feed.deliver(FanoutTestbed.CONVERSATION, four);
          bed.feed.deliver(FanoutTestbed.CONVERSATION, three);
          return null;
        });
    bed.await("what waits goes out", () -> bob.seqs().size() == 3);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 3L, 4L);
  }

  @Test
  void tooManyEntriesBehindAGapAreDroppedAndReadBackInOrderOnceEach() {
    try (FanoutTestbed small = new FanoutTestbed(2)) {
      Conn bob = small.connected("bob");
      long last = small.storeMessages(6);
      small.arriveLive(1, 3, 4, 5); // 2 lost: the third entry behind it is one too many
      assertThat(small.heldDropped.count()).isEqualTo(3);
      assertThat(small.resyncs.count()).isEqualTo(1);
      small.arriveLive(6, 2); // late copies: delivered already by the read-back
      assertThat(small.seqsOf(bob)).containsExactly(1L, 2L, 3L, 4L, 5L, last);
    }
  }
}
