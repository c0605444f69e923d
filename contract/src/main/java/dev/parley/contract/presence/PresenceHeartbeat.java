package dev.parley.contract.presence;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A gateway's periodic statement of every connection it holds, published on {@code
 * Subjects.presenceHeartbeats()} as UTF-8 JSON: {@code {"node_id","at","connections":{"<user_id>":<count>,...}}}.
 *
 * <p>A heartbeat is the full truth for its node: it replaces whatever counts were recorded for that
 * node, so a lost {@link PresenceReport} heals at the next heartbeat. Users with no connection are
 * left out (a count of 0 means the same).
 */
public record PresenceHeartbeat(String nodeId, Instant at, Map<String, Integer> connections) {

  public PresenceHeartbeat {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(at, "at");
    connections = Map.copyOf(Objects.requireNonNull(connections, "connections"));
    for (Map.Entry<String, Integer> e : connections.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException(
            "presence heartbeat: count of " + e.getKey() + " is negative: " + e.getValue());
      }
    }
  }

  public JsonObject toJson() {
    // Sorted, so that two encodings of the same heartbeat are the same bytes (logs, tests).
    JsonObject counts = new JsonObject();
    connections.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return new JsonObject()
        .put("node_id", nodeId)
        .put("at", at.toString())
        .put("connections", counts);
  }

  /** The UTF-8 JSON payload to publish. */
  public byte[] toBytes() {
    return toJson().toBuffer().getBytes();
  }

  /**
   * Reads a heartbeat.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static PresenceHeartbeat fromJson(JsonObject json) {
    Object raw = json.getValue("connections");
    if (!(raw instanceof JsonObject)) {
      throw new IllegalArgumentException(
          "presence: field \"connections\" must be an object of user id to count");
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : (JsonObject) raw) {
      counts.put(e.getKey(), count(e.getKey(), e.getValue()));
    }
    return new PresenceHeartbeat(
        PresenceReport.text(json, "node_id"), PresenceReport.instant(json, "at"), counts);
  }

  /** Reads a published payload; malformed JSON or fields fail with {@link IllegalArgumentException}. */
  public static PresenceHeartbeat fromBytes(byte[] utf8) {
    return fromJson(PresenceReport.object(utf8, "presence heartbeat"));
  }

  private static int count(String userId, Object value) {
    if (value instanceof Number n
        && n.doubleValue() == n.longValue()
        && n.longValue() >= 0
        && n.longValue() <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    throw new IllegalArgumentException(
        "presence: field \"connections\": count of "
            + userId
            + " must be a whole number >= 0, got "
            + value);
  }
}
