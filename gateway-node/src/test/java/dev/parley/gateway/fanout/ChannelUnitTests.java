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
  void aConnectionThatCaughtUpSkipsLiveCopiesUpToItsFloorOnly() {
    Channel ch = new Channel("c1", null, 0);
    Conn old = new Conn("alice");
    Conn joined = new Conn("bob");
    ch.connections.add(old);
    ch.connections.add(joined);
    ch.floors.put(joined, 40L);
    assertThat(ch.liveTargets(40)).containsExactly(old);
    assertThat(ch.liveTargets(41)).containsExactlyInAnyOrder(old, joined);
    assertThat(ch.wants(old, 1)).isTrue();
  }

  @Test
  void aFloorIsForgottenOnceBothKindsAreDeliveredPastIt() {
    Channel ch = new Channel("c1", null, 0);
    Conn joined = new Conn("bob");
    ch.connections.add(joined);
    ch.floors.put(joined, 40L);
    ch.order.accept(new EntryOrder.Entry(41, 0, Subjects.MESSAGE_KIND, new JsonObject()));
    ch.pruneFloors();
    assertThat(ch.floors).as("an event at or below 40 may still arrive").containsKey(joined);
    ch.order.accept(new EntryOrder.Entry(42, 0, Subjects.EVENT_KIND, new JsonObject()));
    ch.pruneFloors();
    assertThat(ch.floors).isEmpty();
  }

  @Test
  void removingAConnectionForgetsItEverywhere() {
    Channel ch = new Channel("c1", null, 0);
    Conn c = new Conn("bob");
    CatchUp.Job job = new CatchUp.Job(ch, 10);
    job.joiners.add(c);
    ch.joining.put(c, job);
    ch.memberSince.put(c, 10L);
    ch.floors.put(c, 9L);
    ch.remove(c);
    assertThat(ch.joining).isEmpty();
    assertThat(job.joiners).isEmpty();
    assertThat(ch.memberSince).isEmpty();
    assertThat(ch.floors).isEmpty();
    assertThat(ch.idle()).isTrue();
  }
}
