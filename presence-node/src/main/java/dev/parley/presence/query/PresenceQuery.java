package dev.parley.presence.query;

import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.RedisLink;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads presence as the presence node records it. Online means the user's connection counts over
 * every gateway node add up to more than zero.
 *
 * <p>The offline grace period of API.md is not applied here yet; it can be, from the same data:
 * a user with no connections whose {@link #lastSeen} is within the grace still counts as online.
 */
public final class PresenceQuery {
  private final RedisLink redis;
  private final PresenceKeys keys;

  public PresenceQuery(RedisLink redis, PresenceKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public Future<Boolean> isOnline(String userId) {
    return connectionsByNode(userId).map(byNode -> byNode.values().stream().mapToInt(Integer::intValue).sum() > 0);
  }

  /** Open connections of the user per gateway node id (empty when offline), sorted by node id. */
  public Future<Map<String, Integer>> connectionsByNode(String userId) {
    return redis.call("query-connections", "user=" + userId, r -> r.hgetall(keys.connections(userId)))
        .map(raw -> {
          Map<String, Integer> byNode = new TreeMap<>();
          raw.forEach((node, count) -> byNode.put(node, Integer.valueOf(count)));
          return byNode;
        });
  }

  /** The last time the user was known to be connected, if ever. */
  public Future<Optional<Instant>> lastSeen(String userId) {
    return redis.call("query-last-seen", "user=" + userId, r -> r.get(keys.lastSeen(userId)))
        .map(ms -> Optional.ofNullable(ms).map(Long::parseLong).map(Instant::ofEpochMilli));
  }
}
