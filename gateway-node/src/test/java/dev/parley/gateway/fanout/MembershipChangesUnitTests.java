package dev.parley.gateway.fanout;

import static dev.parley.gateway.fanout.FanoutTestbed.CONVERSATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.EventType;
import dev.parley.gateway.fanout.FanoutTestbed.Conn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who receives a conversation as its membership changes, at the change's place in the stream. */
class MembershipChangesUnitTests {
  private final FanoutTestbed bed = new FanoutTestbed(100);

  @AfterEach
  void close() {
    bed.close();
  }

  @Test
  void aRemovedUserGetsTheRemovalAndNothingAfterItWhileTheOthersCarryOn() {
    Conn alice = bed.connected("alice");
    Conn bob = bed.connected("bob");
    bed.storeMessage(); // 1
    bed.storeEvent(EventType.MEMBER_REMOVED, "bob"); // 2
    bed.storeMessage(); // 3
    bed.arriveLive(1, 2, 3);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L);
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L);
    assertThat(bed.on(() -> bed.table.holds(bob, CONVERSATION))).isFalse();
  }

  @Test
  void aDeletedConversationReachesEveryoneLastAndIsReleased() {
    Conn alice = bed.connected("alice");
    Conn bob = bed.connected("bob");
    bed.storeMessage(); // 1
    bed.storeEvent(EventType.CONVERSATION_DELETED, null); // 2
    bed.arriveLive(1, 2);
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L);
    assertThat(bed.on(() -> bed.table.get(CONVERSATION))).isNull();
  }

  @Test
  void aUserAddedBackBeforeItsRemovalIsDeliveredCatchesUpAgainFromTheAdd() {
    Conn alice = bed.connected("alice");
    Conn bob = bed.connected("bob");
    bed.storeEvent(EventType.MEMBER_REMOVED, "bob"); // 1
    bed.storeMessage(); // 2: bob is not a member then
    long addedBack = bed.storeEvent(EventType.MEMBER_ADDED, "bob"); // 3
    bed.storeMessage(); // 4
    // the add's notice arrives first: bob's connection still holds the conversation
    bed.on(
        () -> {
          bed.table.get(CONVERSATION).memberAgainSince(bob, addedBack);
          return null;
        });
    bed.arriveLive(1, 2, 3, 4);
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 3L, 4L);
    long five = bed.storeMessage();
    bed.arriveLive(five);
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 3L, 4L, five);
  }

  @Test
  void aRemovalDeliveredWhileAnotherUserCatchesUpCutsTheRemovedUserAtItsPlace() {
    Conn alice = bed.connected("alice");
    Conn bob = bed.connected("bob");
    long added = bed.storeEvent(EventType.MEMBER_ADDED, "carol"); // 1
    bed.arriveLive(added);
    Conn carol = bed.attachedElsewhere("carol");
    bed.stream.pause();
    bed.added(added, carol);
    bed.storeEvent(EventType.MEMBER_REMOVED, "bob"); // 2
    bed.storeMessage(); // 3
    bed.arriveLive(2, 3); // held while carol catches up
    assertThat(bed.seqsOf(bob)).containsExactly(1L);
    bed.on(
        () -> {
          bed.stream.resume();
          return null;
        });
    assertThat(bed.seqsOf(bob)).containsExactly(1L, 2L);
    assertThat(bed.seqsOf(alice)).containsExactly(1L, 2L, 3L);
    assertThat(bed.seqsOf(carol)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aConnectionThatClosesIsForgottenAndTheLastOneReleasesTheConversation() {
    Conn alice = bed.connected("alice");
    bed.on(
        () -> {
          bed.table.removeConnection(alice);
          return null;
        });
    assertThat(bed.on(() -> bed.table.get(CONVERSATION))).isNull();
    bed.arriveLive(bed.storeMessage());
    assertThat(bed.seqsOf(alice)).isEmpty();
  }
}
