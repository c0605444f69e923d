package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.NatsSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PartitioningUnitTests {

  @Test
  void partitionsAreThoseNatsServerMapsWithPartition3() {
    // what nats-server 2.9.10 answered for the mapping "part.*" -> "part.{{partition(3,1)}}.…"
    assertThat(Partitioning.partitionOf("abc", 3)).isEqualTo(2);
    assertThat(Partitioning.partitionOf("Yc1m2mT6QJ2iFJx0kqk9Zg", 3)).isEqualTo(1);
    assertThat(Partitioning.partitionOf("conv-1", 3)).isEqualTo(1);
    assertThat(Partitioning.partitionOf("x", 3)).isEqualTo(0);
    assertThat(Partitioning.partitionOf("8mUq0bq3RkOeXh2a1fJ3Ww", 3)).isEqualTo(2);
  }

  @Test
  void aHashAboveTwoToThe31StillGivesAPartitionInRange() {
    // FNV-1a of "a" is 0xe40c292c: negative as an int
    assertThat(Partitioning.fnv1a32("a")).isNegative();
    assertThat(Partitioning.partitionOf("a", 7)).isEqualTo((int) (0xe40c292cL % 7));
  }

  @Test
  void oneStreamKeepsItsSubjects() {
    Subjects one = new Subjects("chat");
    assertThat(one.streamMessages("c1")).isEqualTo("chat.stream.conv.c1.msg");
    assertThat(one.streamWildcard()).isEqualTo("chat.stream.conv.*.*");
  }

  @Test
  void severalPartitionsPutThePartitionInTheStreamSubjectOnly() {
    Subjects three = new Subjects("chat", 3);
    assertThat(three.streamMessages("abc")).isEqualTo("chat.stream.p2of3.conv.abc.msg");
    assertThat(three.streamEvents("x")).isEqualTo("chat.stream.p0of3.conv.x.event");
    assertThat(three.streamWildcard(1)).isEqualTo("chat.stream.p1of3.conv.*.*");
    assertThat(new Subjects("chat", 4).streamWildcard(1))
        .as("another count, other subjects: streams of two counts never overlap")
        .isEqualTo("chat.stream.p1of4.conv.*.*");
    assertThat(three.conversationOf(three.streamMessages("abc"))).isEqualTo("abc");
    assertThat(three.partitionOfSubject("chat.fanout.conv.abc.msg")).isEqualTo(2);
    assertThat(three.fanout("abc")).isEqualTo("chat.fanout.conv.abc.*");
    assertThat(three.conversationEvents("abc")).isEqualTo("chat.conv.abc.events");
    assertThatThrownBy(three::streamWildcard).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void partitionStreamsAreNamedAfterTheStream() {
    NatsSettings one =
        new NatsSettings(
            "nats://x", "chat", "CHAT_EVENTS", Duration.ofMinutes(2), Duration.ofDays(7), 1);
    assertThat(one.partition(0).streamName()).isEqualTo("CHAT_EVENTS");
    NatsSettings three =
        new NatsSettings(
            "nats://x", "chat", "CHAT_EVENTS", Duration.ofMinutes(2), Duration.ofDays(7), 1, 3);
    assertThat(three.partitionList())
        .extracting(p -> p.streamName())
        .containsExactly("CHAT_EVENTS_P0_OF_3", "CHAT_EVENTS_P1_OF_3", "CHAT_EVENTS_P2_OF_3");
    assertThat(three.partitionOf("abc").subjects()).isEqualTo("chat.stream.p2of3.conv.*.*");
  }
}
