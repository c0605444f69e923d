package dev.parley.gateway.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ChannelUnitTests {
  private record Conn(String userId) implements LocalConnection {
    @Override
    public void send(String frame) {}
  }

  @Test
  void aSendKeepsTheChannelOpenForItsLingerThenLetsItGo() throws InterruptedException {
    Channel ch = new Channel("c1", null, 0);
    ch.sendWaiting();
    assertThat(ch.idle()).isFalse();
    ch.sendDone(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
    assertThat(ch.idle()).as("within the linger").isFalse();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (!ch.idle() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(ch.idle()).as("after the linger").isTrue();
  }

  @Test
  void withoutALingerASendLetsTheChannelGoAtOnce() {
    Channel ch = new Channel("c1", null, 0);
    ch.sendWaiting();
    ch.sendDone(0);
    assertThat(ch.idle()).isTrue();
  }

  @Test
  void aConnectionThatCaughtUpSkipsLiveCopiesUpToItsFloorOnly() {
    Channel ch = new Channel("c1", null, 0);
    Conn old = new Conn("alice");
    Conn joined = new Conn("bob");
    ch.joinLive(old);
    catchUp(ch, joined, 41);
    ch.caughtUp(joined, 40);
    assertThat(ch.liveTargets(40)).containsExactly(old);
    assertThat(ch.liveTargets(41)).containsExactlyInAnyOrder(old, joined);
    assertThat(ch.wants(old, 1)).isTrue();
  }

  @Test
  void aFloorIsForgottenOnceBothKindsAreDeliveredPastIt() {
    Channel ch = new Channel("c1", null, 0);
    Conn joined = new Conn("bob");
    catchUp(ch, joined, 41);
    ch.caughtUp(joined, 40);
    ch.order().accept(new EntryOrder.Entry(41, 0, Subjects.MESSAGE_KIND, new JsonObject()));
    ch.pruneFloors();
    assertThat(ch.hasFloors()).as("an event at or below 40 may still arrive").isTrue();
    ch.order().accept(new EntryOrder.Entry(42, 0, Subjects.EVENT_KIND, new JsonObject()));
    ch.pruneFloors();
    assertThat(ch.hasFloors()).isFalse();
  }

  @Test
  void removingAConnectionForgetsItEverywhere() {
    Channel ch = new Channel("c1", null, 0);
    Conn c = new Conn("bob");
    CatchUp.Job job = catchUp(ch, c, 10);
    assertThat(ch.holders()).containsExactly(c);
    assertThat(job.joiners()).containsExactly(c);
    assertThat(ch.memberSince(c)).isEqualTo(10L);
    ch.remove(c);
    assertThat(ch.holders()).isEmpty();
    assertThat(job.joiners()).isEmpty();
    assertThat(ch.memberSince(c)).isNull();
    assertThat(ch.idle()).isTrue();
  }

  @Test
  void aConnectionThatLeftWhileCatchingUpDoesNotJoinWhenTheCatchUpEnds() {
    Channel ch = new Channel("c1", null, 0);
    Conn c = new Conn("bob");
    catchUp(ch, c, 10);
    ch.remove(c);
    ch.caughtUp(c, 20);
    assertThat(ch.connections()).isEmpty();
    assertThat(ch.hasFloors()).isFalse();
  }

  @Test
  void aFloorAndTheMembershipStartAreForgottenWhenTheConnectionLeaves() {
    Channel ch = new Channel("c1", null, 0);
    Conn c = new Conn("bob");
    catchUp(ch, c, 10);
    ch.caughtUp(c, 20);
    ch.memberAgainSince(c, 30);
    ch.memberAgainSince(c, 25);
    assertThat(ch.memberSince(c)).as("the latest add wins").isEqualTo(30L);
    ch.remove(c);
    assertThat(ch.hasFloors()).isFalse();
    assertThat(ch.memberSince(c)).isNull();
  }

  private static CatchUp.Job catchUp(Channel ch, LocalConnection c, long since) {
    CatchUp.Job job = new CatchUp.Job(ch, since);
    ch.startCatchingUp(c, job, since);
    return job;
  }
}
