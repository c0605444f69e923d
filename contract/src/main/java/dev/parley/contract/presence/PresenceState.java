package dev.parley.contract.presence;

import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * One user's presence: {@code {"user_id","status","last_seen_at"}}, the data of a
 * {@code presence.changed} event and an item of {@code GET /users/online}. {@code lastSeenAt} is
 * when the user was last connected: while online, the time of the latest change; once offline,
 * when the last connection closed.
 */
public record PresenceState(String userId, PresenceStatus status, Instant lastSeenAt) {

  public PresenceState {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("user_id", userId)
        .put("status", status.wire())
        .put("last_seen_at", lastSeenAt.toString());
  }

  /** The {@code presence.changed} frame, exactly as clients and integrators get it. */
  public JsonObject toChangedEvent() {
    return Frames.event(EventType.PRESENCE_CHANGED, toJson());
  }

  /** The UTF-8 payload published on {@code Subjects.presence(userId)}. */
  public byte[] toChangedEventBytes() {
    return toChangedEvent().toBuffer().getBytes();
  }

  /**
   * Reads a state object.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static PresenceState fromJson(JsonObject json) {
    return new PresenceState(
        PresenceReport.text(json, "user_id"),
        PresenceStatus.fromWire(PresenceReport.text(json, "status")),
        PresenceReport.instant(json, "last_seen_at"));
  }

  /** Reads a {@code presence.changed} payload as published; fails with {@link IllegalArgumentException}. */
  public static PresenceState fromChangedEvent(byte[] utf8) {
    JsonObject frame = PresenceReport.object(utf8, "presence.changed");
    if (!EventType.PRESENCE_CHANGED.equals(frame.getValue("type"))
        || !(frame.getValue("data") instanceof JsonObject data)) {
      throw new IllegalArgumentException(
          "presence.changed: expected {\"type\":\"presence.changed\",\"data\":{...}}");
    }
    return fromJson(data);
  }
}
