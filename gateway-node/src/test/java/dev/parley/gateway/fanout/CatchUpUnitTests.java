package dev.parley.gateway.fanout;

import static dev.parley.gateway.fanout.FanoutTestbed.CONVERSATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.EventType;
import dev.parley.gateway.fanout.FanoutTestbed.Conn;
import dev.parley.gateway.fanout.FanoutTestbed.Received;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Catching up added users' connections, against an in-memory stream whose reads the test times. */
class CatchUpUnitTests {
  private final FanoutTestbed bed = new FanoutTestbed(100);

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void anAddedConnectionGetsEverythingFromItsMembershipThenLiveOnceEachWithAnUnbrokenChain() {
    Conn alice = bed.connected("alice");
    bed.storeMessages(2); // 1, 2: before bob's membership
    bed.arriveLive(1, 2);
    long added = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 3
    bed.storeMessages(2); // 4, 5
    bed.arriveLive(3, 4); // delivered here before the change's notice arrives
    Conn bob = bed.attachedElsewhere("bob");
    bed.added(added, bob);
    bed.arriveLive(5);
    bed.arriveLive(bed.storeMessage()); // 6
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(bed.seqsOf(bob)).containsExactly(3L, 4L, 5L, 6L);
    assertThat(bed.framesOf(bob))
        .filteredOn(r -> r.prevSeq() != null || EventType.MESSAGE_NEW.equals(r.type()))
        .extracting(Received::prevSeq)
        .containsExactly(2L, 4L, 5L);
  }

  @Test
  void liveEntriesWaitWhileACatchUpRunsThenGoOutInOrderToEveryone() {
    Conn alice = bed.connected("alice");
    bed.arriveLive(bed.storeMessage()); // 1
    long added = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 2
    bed.arriveLive(added);
    Conn bob = bed.attachedElsewhere("bob");
    bed.stream.pause();
    bed.added(added, bob);
    bed.storeMessages(3); // 3, 4, 5
    bed.arriveLive(4, 3, 5); // 4 overtook 3
    assertThat(bed.seqsOf(alice)).as("held while bob catches up").containsExactly(1L, 2L);
    assertThat(bed.on(() -> bed.table.get(CONVERSATION).heldLive().size())).isEqualTo(3);
    bed.on(
        () -> {
          bed.stream.resume();
          return null;
        });
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(bed.seqsOf(bob))
        .as("read back, then no live copy twice")
        .containsExactly(2L, 3L, 4L, 5L);
    assertThat(bed.framesOf(alice))
        .extracting(Received::prevSeq)
        .containsExactly(null, null, 1L, 3L, 4L);
    assertThat(bed.on(() -> bed.table.get(CONVERSATION).heldLive().holding())).isFalse();
  }

  @Test
  void liveEntriesWaitUntilTheLastOfSeveralCatchUpsEnds() {
    Conn alice = bed.connected("alice");
    long bobAdded = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 1
    long carolAdded = bed.storeEvent(EventType.MEMBER_ADDED, "carol"); // 2
    bed.arriveLive(1, 2);
    Conn bob = bed.attachedElsewhere("bob");
    Conn carol = bed.attachedElsewhere("carol");
    bed.stream.pause();
    bed.added(bobAdded, bob);
    bed.added(carolAdded, carol);
    long m = bed.storeMessage(); // 3
    bed.arriveLive(m);
    // answer until bob's catch-up reached the stream's end; carol's reads wait from then on
    bed.on(
        () -> {
          while (bed.stream.waitingReads() > 0
              && bed.table.get(CONVERSATION).holders().size() > 0
              && !bed.table.get(CONVERSATION).connections().contains(bob)) {
            bed.stream.answerWaiting();
          }
          return null;
        });
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L);
    assertThat(bed.seqsOf(alice)).as("carol still catches up").containsExactly(1L, 2L);
    bed.on(
        () -> {
          bed.stream.resume();
          return null;
        });
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L);
    assertThat(bed.seqsOf(carol)).containsExactly(2L, 3L);
  }

  @Test
  void aJoinerThatClosesWhileCatchingUpGetsNothingMoreAndTheOthersCarryOn() {
    Conn alice = bed.connected("alice");
    long added = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 1
    bed.storeMessages(2); // 2, 3
    Conn bob = bed.attachedElsewhere("bob");
    Conn bob2 = bed.attachedElsewhere("bob");
    bed.stream.pause();
    bed.added(added, bob, bob2);
    bed.on(
        () -> {
          bed.stream.answerWaiting(); // 1 read back
          bed.table.removeConnection(bob2);
          bed.stream.resume();
          return null;
        });
    bed.arriveLive(1, 2, 3);
    assertThat(bed.seqsOf(bob2)).containsExactly(1L);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L);
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L);
    assertThat(bed.on(() -> bed.table.get(CONVERSATION).holders()))
        .containsExactlyInAnyOrder(alice, bob);
  }

  @Test
  void aChannelEveryoneLeftWhileItsCatchUpRanIsReleasedAndTheLateReadTouchesNothing() {
    long added = bed.storeEvent(EventType.MEMBER_ADDED, "bob");
    Conn bob = bed.attachedElsewhere("bob");
    bed.stream.pause();
    bed.added(added, bob);
    Channel before = bed.on(() -> bed.table.get(CONVERSATION));
    bed.on(
        () -> {
          bed.table.removeConnection(bob);
          return null;
        });
    assertThat(bed.on(() -> bed.table.get(CONVERSATION))).isNull();
    bed.on(
        () -> {
          bed.stream.resume();
          return null;
        });
    assertThat(bed.seqsOf(bob)).isEmpty();
    assertThat(before.connections()).isEmpty();
  }

  @Test
  void aRemovalReadBackCutsTheJoinerOffThereAndAnAddBackAfterItCatchesItUpAgainFromTheAdd() {
    Conn alice = bed.connected("alice");
    long firstAdd = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 1
    bed.storeMessage(); // 2
    bed.storeEvent(EventType.MEMBER_REMOVED, "bob"); // 3
    bed.storeMessage(); // 4: bob must not get it
    long secondAdd = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 5
    bed.storeMessage(); // 6
    Conn bob = bed.attachedElsewhere("bob");
    bed.stream.pause();
    bed.added(firstAdd, bob);
    // the second add's notice arrives while the first catch-up runs
    bed.on(
        () -> {
          bed.table.get(CONVERSATION).memberAgainSince(bob, secondAdd);
          bed.stream.resume();
          return null;
        });
    bed.arriveLive(1, 2, 3, 4, 5, 6);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L, 5L, 6L);
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    long seven = bed.storeMessage();
    bed.arriveLive(seven);
    assertThat(bed.seqsOf(bob)).endsWith(5L, 6L, 7L);
    assertThat(bed.framesOf(bob).get(4).prevSeq()).isEqualTo(4L);
  }

  @Test
  void aReadThatFailsIsTriedAgainAndTheJoinerMissesNothing() {
    Conn alice = bed.connected("alice");
    long added = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 1
    bed.storeMessage(); // 2
    Conn bob = bed.attachedElsewhere("bob");
    bed.stream.failNext(2);
    bed.added(added, bob);
    long three = bed.storeMessage();
    bed.arriveLive(1, 2, three);
    bed.await("bob caught up", () -> bob.seqs().size() == 3);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L);
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void liveEntriesPastTheBoundAreReadBackOnceTheCatchUpsEndInOrderOnceEach() {
    try (FanoutTestbed small = new FanoutTestbed(2)) {
      Conn alice = small.connected("alice");
      long added = small.storeEvent(EventType.MEMBER_ADDED, "bob"); // 1
      small.arriveLive(added);
      Conn bob = small.attachedElsewhere("bob");
      small.stream.pause();
      small.added(added, bob);
      long last = small.storeMessages(6); // 2..7
      small.arriveLive(LongStream.rangeClosed(2, last).toArray()); // 2 and 3 kept, 4..7 dropped
      assertThat(small.heldDropped.count()).isEqualTo(4);
      small.on(
          () -> {
            small.stream.resume();
            return null;
          });
      List<Long> all = LongStream.rangeClosed(1, last).boxed().toList();
      assertThat(small.seqsOf(alice)).containsExactlyElementsOf(all);
      assertThat(small.seqsOf(bob)).containsExactlyElementsOf(all);
      assertThat(small.resyncs.count()).isEqualTo(1);
    }
  }

  @Test
  void onAFreshChannelLiveDeliveryContinuesWhereTheReadBackEnded() {
    long added = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 1
    bed.storeMessage(); // 2
    Conn bob = bed.attachedElsewhere("bob");
    bed.added(added, bob);
    long three = bed.storeMessage();
    long four = bed.storeMessage();
    bed.arriveLive(four); // overtook 3: held for it, not taken as the chain's start
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L);
    bed.arriveLive(three);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L, 3L, 4L);
  }
}
