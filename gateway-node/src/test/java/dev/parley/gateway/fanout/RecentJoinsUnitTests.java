package dev.parley.gateway.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentJoinsUnitTests {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aJoinIsRememberedForAWhileWithTheLatestSequencePerConversation() {
    RecentJoins joins = new RecentJoins();
    joins.joined("bob", "c1", 10, 0);
    joins.joined("bob", "c1", 25, SECOND);
    joins.joined("bob", "c2", 30, SECOND);
    joins.joined("carol", "c1", 25, SECOND);
    assertThat(joins.of("bob", 2 * SECOND)).isEqualTo(Map.of("c1", 25L, "c2", 30L));
    assertThat(joins.of("dave", 2 * SECOND)).isEmpty();
  }

  @Test
  void oldJoinsExpire() {
    RecentJoins joins = new RecentJoins();
    joins.joined("bob", "c1", 10, 0);
    joins.joined("bob", "c2", 20, 5 * SECOND);
    assertThat(joins.of("bob", RecentJoins.KEEP_NANOS + SECOND)).isEqualTo(Map.of("c2", 20L));
    assertThat(joins.of("bob", RecentJoins.KEEP_NANOS + 6 * SECOND)).isEmpty();
  }

  @Test
  void leavingForgetsTheJoin() {
    RecentJoins joins = new RecentJoins();
    joins.joined("bob", "c1", 10, 0);
    joins.joined("bob", "c2", 20, 0);
    joins.left("bob", "c1");
    assertThat(joins.of("bob", SECOND)).isEqualTo(Map.of("c2", 20L));
  }
}
