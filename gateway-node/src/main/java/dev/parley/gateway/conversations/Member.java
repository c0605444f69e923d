package dev.parley.gateway.conversations;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** One member of a conversation, with when they joined (succession goes by it). */
public record Member(String userId, Role role, String name, OffsetDateTime joinedAt) {

  /**
   * The member entry {@code {"user_id","role","name"}} of docs/api.md#conversations-and-members.
   */
  public JsonObject toJson() {
    return new JsonObject().put("user_id", userId).put("role", role.wire()).put("name", name);
  }

  /** How system messages name the member: their name, else their id. */
  public String displayName() {
    return name == null || name.isBlank() ? userId : name;
  }

  public Member withRole(Role newRole) {
    return new Member(userId, newRole, name, joinedAt);
  }
}
