package dev.parley.presence.query;

import dev.parley.contract.presence.PresenceState;
import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.PresenceLua;
import dev.parley.presence.redis.RedisLink;
import dev.parley.presence.redis.UserBatches;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads presence as the presence node records it. A user is <em>connected</em> while their
 * connection counts over every gateway node add up to more than zero, and <em>online</em>
 * (docs/api.md#presence-and-typing) while connected or within the grace period after their last
 * connection went away.
 */
public final class PresenceQuery {
  /**
   * KEYS: each user's (all in one slot). ARGV: now ms, then the users. Returns {user, status, last
   * seen ms, ...} for the online ones.
   * {@code last seen} is the time of the last announced change (the state's changed_at).
   */
  static final LuaScript STATES =
      PresenceLua.script(
          "states",
          """
      local now = ARGV[1]
      local out = {}
      for i = 0, userCount() - 1 do
        local k = userKeys(i)
        if isOnline(k) then
          local s = redis.call('HMGET', k.state, 'status', 'changed_at')
          out[#out + 1] = ARGV[2 + i]
          out[#out + 1] = s[1] or 'online'
          out[#out + 1] = s[2] or redis.call('GET', k.lastSeen) or now
        end
      end
      return out
      """);

  private final RedisLink redis;
  private final PresenceKeys keys;
  private final Clock clock;

  public PresenceQuery(RedisLink redis, PresenceKeys keys, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.clock = clock;
  }

  /** The online users among {@code userIds} (each once, in the order first asked), with status and last change. */
  public Future<List<PresenceState>> online(Collection<String> userIds) {
    List<String> asked = List.copyOf(new LinkedHashSet<>(userIds));
    if (asked.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return UserBatches.run(
            STATES,
            redis,
            keys,
            "query",
            List.of(Long.toString(clock.millis())),
            asked,
            u -> u,
            List::of)
        .map(
            replies -> {
              // slot groups answer in any order: put the answers back in the order asked
              Map<String, PresenceState> byUser = new HashMap<>();
              replies.forEach(
                  reply -> PresenceLua.states(reply).forEach(s -> byUser.put(s.userId(), s)));
              return asked.stream().map(byUser::get).filter(Objects::nonNull).toList();
            });
  }

  public Future<Boolean> isConnected(String userId) {
    return connectionsByNode(userId)
        .map(byNode -> byNode.values().stream().mapToInt(Integer::intValue).sum() > 0);
  }

  /** Open connections of the user per gateway node id (empty when offline), sorted by node id. */
  public Future<Map<String, Integer>> connectionsByNode(String userId) {
    return redis
        .call("query-connections", "user=" + userId, r -> r.hgetall(keys.connections(userId)))
        .map(
            raw -> {
              Map<String, Integer> byNode = new TreeMap<>();
              raw.forEach((node, count) -> byNode.put(node, Integer.valueOf(count)));
              return byNode;
            });
  }

  /** The last time the user was known to be connected, if ever. */
  public Future<Optional<Instant>> lastSeen(String userId) {
    return redis
        .call("query-last-seen", "user=" + userId, r -> r.get(keys.lastSeen(userId)))
        .map(ms -> Optional.ofNullable(ms).map(Long::parseLong).map(Instant::ofEpochMilli));
  }
}
