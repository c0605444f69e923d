package dev.parley.contract.presence;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * A gateway's report that one connection of a user opened or closed, published on {@code
 * Subjects.presenceReports()} as UTF-8 JSON: {@code {"node_id","user_id","event":"connect"|"disconnect",
 * "connection_id","at"}} with {@code at} in ISO-8601.
 *
 * <p>Reports are increments; the node's next {@link PresenceHeartbeat} is the full truth and heals
 * a report that was lost.
 */
public record PresenceReport(
    String nodeId, String userId, Event event, String connectionId, Instant at) {

  /** What happened to the connection. */
  public enum Event {
    CONNECT,
    DISCONNECT;

    /** The spelling on the wire: {@code connect} or {@code disconnect}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Event fromWire(String value) {
      for (Event e : values()) {
        if (e.wire().equals(value)) {
          return e;
        }
      }
      throw new IllegalArgumentException(
          "presence report: event must be \"connect\" or \"disconnect\", got " + value);
    }
  }

  public PresenceReport {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(at, "at");
  }

  public static PresenceReport connect(
      String nodeId, String userId, String connectionId, Instant at) {
    return new PresenceReport(nodeId, userId, Event.CONNECT, connectionId, at);
  }

  public static PresenceReport disconnect(
      String nodeId, String userId, String connectionId, Instant at) {
    return new PresenceReport(nodeId, userId, Event.DISCONNECT, connectionId, at);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node_id", nodeId)
        .put("user_id", userId)
        .put("event", event.wire())
        .put("connection_id", connectionId)
        .put("at", at.toString());
  }

  /** The UTF-8 JSON payload to publish. */
  public byte[] toBytes() {
    return toJson().toBuffer().getBytes();
  }

  /**
   * Reads a report.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static PresenceReport fromJson(JsonObject json) {
    return new PresenceReport(
        text(json, "node_id"),
        text(json, "user_id"),
        Event.fromWire(text(json, "event")),
        text(json, "connection_id"),
        instant(json, "at"));
  }

  /** Reads a published payload; malformed JSON or fields fail with {@link IllegalArgumentException}. */
  public static PresenceReport fromBytes(byte[] utf8) {
    return fromJson(object(utf8, "presence report"));
  }

  static JsonObject object(byte[] utf8, String what) {
    try {
      return Buffer.buffer(utf8).toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException(what + ": not a JSON object", e);
    }
  }

  static String text(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof String) || ((String) v).isEmpty()) {
      throw new IllegalArgumentException(
          "presence: field \"" + field + "\" must be a non-empty string");
    }
    return (String) v;
  }

  static Instant instant(JsonObject json, String field) {
    String raw = text(json, field);
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "presence: field \"" + field + "\" must be an ISO-8601 instant, got " + raw, e);
    }
  }
}
