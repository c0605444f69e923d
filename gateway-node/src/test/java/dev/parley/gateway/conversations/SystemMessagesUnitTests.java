package dev.parley.gateway.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.ChatMessage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SystemMessagesUnitTests {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  private final Member alice = new Member("u-alice", Role.OWNER, "Alice", null);
  private final Member bob = new Member("u-bob", Role.MEMBER, null, null);

  @Test
  void aJoinReadsActorAddedUserAndCarriesWhoDidWhat() {
    ChatMessage m = SystemMessages.added("c1", alice, bob, NOW);
    assertThat(m.type()).isEqualTo("system");
    assertThat(m.senderId()).isNull();
    assertThat(m.content()).isEqualTo("Alice added u-bob");
    assertThat(m.system())
        .isEqualTo(
            new JsonObject()
                .put("event", "member.added")
                .put("actor_id", "u-alice")
                .put("user_id", "u-bob"));
    JsonObject draft = m.toDraftJson();
    assertThat(draft.getValue("sender_id")).isNull();
    assertThat(draft.getString("conversation_id")).isEqualTo("c1");
    assertThat(draft.getJsonObject("system").getString("event")).isEqualTo("member.added");
  }

  @Test
  void removalAndLeavingReadDifferently() {
    assertThat(SystemMessages.removed("c1", alice, bob, NOW).content())
        .isEqualTo("Alice removed u-bob");
    ChatMessage left = SystemMessages.left("c1", bob, NOW);
    assertThat(left.content()).isEqualTo("u-bob left");
    assertThat(left.system().getString("event")).isEqualTo("member.left");
    assertThat(left.system().getString("actor_id")).isEqualTo("u-bob");
  }
}
