package dev.parley.contract.presence;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Frames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The two requests a gateway makes of the presence nodes (core NATS request-reply, queue group
 * {@code presence}, so one presence node answers each), and their replies. Every body is UTF-8 JSON.
 *
 * <ul>
 *   <li>{@code Subjects.presenceStatusUpdates()}: {@link StatusUpdate} {@code {"user_id","status"}} →
 *       {@code {"state":{user_id,status,last_seen_at},"changed":bool}}.
 *   <li>{@code Subjects.presenceQueries()}: {@link Query} {@code {"user_ids":[...]}} →
 *       {@code {"items":[{user_id,status,last_seen_at}, ...]}}, the online users among them only.
 * </ul>
 *
 * Either may instead answer {@link Failure} {@code {"error":{"code","message","retry_after_ms"?}}}
 * with a code of docs/api.md#errors ({@code unavailable} when Redis is down, {@code rate_limited}
 * for status updates that come too fast).
 */
public final class PresenceRpc {
  /** Most user ids one query may carry; a gateway splits longer lists. */
  public static final int MAX_QUERY_IDS = 1000;

  private PresenceRpc() {}

  /** A user sets their status. */
  public record StatusUpdate(String userId, PresenceStatus status) {
    public StatusUpdate {
      Objects.requireNonNull(userId, "userId");
      if (!status.settable()) {
        throw new IllegalArgumentException("status must be one of online, away, busy");
      }
    }

    public byte[] toBytes() {
      return new JsonObject()
          .put("user_id", userId)
          .put("status", status.wire())
          .toBuffer()
          .getBytes();
    }

    public static StatusUpdate fromBytes(byte[] utf8) {
      JsonObject json = PresenceReport.object(utf8, "presence status update");
      return new StatusUpdate(
          PresenceReport.text(json, "user_id"),
          PresenceStatus.settableFromWire(json.getValue("status")));
    }
  }

  /** The answer to a {@link StatusUpdate}: the user's state now, and whether it changed (and was published). */
  public record StatusResult(PresenceState state, boolean changed) {
    public byte[] toBytes() {
      return new JsonObject()
          .put("state", state.toJson())
          .put("changed", changed)
          .toBuffer()
          .getBytes();
    }

    public static StatusResult fromJson(JsonObject json) {
      if (!(json.getValue("state") instanceof JsonObject state)) {
        throw new IllegalArgumentException(
            "presence status result: field \"state\" must be an object");
      }
      return new StatusResult(
          PresenceState.fromJson(state), Boolean.TRUE.equals(json.getValue("changed")));
    }
  }

  /** Which of these users are online (the grace period counting as online). */
  public record Query(List<String> userIds) {
    public Query {
      userIds = List.copyOf(userIds);
      if (userIds.size() > MAX_QUERY_IDS) {
        throw new IllegalArgumentException(
            "presence query: at most " + MAX_QUERY_IDS + " user ids, got " + userIds.size());
      }
    }

    public byte[] toBytes() {
      return new JsonObject().put("user_ids", new JsonArray(userIds)).toBuffer().getBytes();
    }

    public static Query fromBytes(byte[] utf8) {
      JsonObject json = PresenceReport.object(utf8, "presence query");
      if (!(json.getValue("user_ids") instanceof JsonArray ids)) {
        throw new IllegalArgumentException(
            "presence query: field \"user_ids\" must be an array of strings");
      }
      List<String> out = new ArrayList<>(ids.size());
      for (Object id : ids) {
        if (!(id instanceof String s) || s.isEmpty()) {
          throw new IllegalArgumentException(
              "presence query: field \"user_ids\" must be an array of non-empty strings");
        }
        out.add(s);
      }
      return new Query(out);
    }
  }

  /** The online users of a {@link Query}, each once. */
  public record QueryResult(List<PresenceState> online) {
    public QueryResult {
      online = List.copyOf(online);
    }

    public byte[] toBytes() {
      JsonArray items = new JsonArray();
      online.forEach(s -> items.add(s.toJson()));
      return new JsonObject().put("items", items).toBuffer().getBytes();
    }

    public static QueryResult fromJson(JsonObject json) {
      if (!(json.getValue("items") instanceof JsonArray items)) {
        throw new IllegalArgumentException(
            "presence query result: field \"items\" must be an array");
      }
      List<PresenceState> out = new ArrayList<>(items.size());
      for (Object item : items) {
        if (!(item instanceof JsonObject o)) {
          throw new IllegalArgumentException("presence query result: each item must be an object");
        }
        out.add(PresenceState.fromJson(o));
      }
      return new QueryResult(out);
    }
  }

  /** A request the presence node could not serve, with the contract's error code. */
  public record Failure(ErrorCode code, String message, Long retryAfterMillis) {
    public byte[] toBytes() {
      return Frames.errorBody(code, message, retryAfterMillis).toBuffer().getBytes();
    }

    /** The failure a reply carries, or null when it is a success. */
    public static Failure of(JsonObject reply) {
      if (!(reply.getValue("error") instanceof JsonObject error)) {
        return null;
      }
      ErrorCode code = ErrorCode.INTERNAL;
      for (ErrorCode c : ErrorCode.values()) {
        if (c.wire().equals(error.getValue("code"))) {
          code = c;
          break;
        }
      }
      Object retry = error.getValue("retry_after_ms");
      return new Failure(
          code,
          String.valueOf(error.getValue("message")),
          retry instanceof Number n ? n.longValue() : null);
    }
  }

  /** Parses a reply body as a JSON object; fails with {@link IllegalArgumentException}. */
  public static JsonObject reply(byte[] utf8) {
    return PresenceReport.object(utf8, "presence reply");
  }
}
