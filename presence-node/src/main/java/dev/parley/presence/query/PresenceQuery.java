package dev.parley.presence.query;

import dev.parley.contract.presence.PresenceState;
import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.PresenceLua;
import dev.parley.presence.redis.RedisLink;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
   * ARGV: base, now ms, then user ids. Returns {user, status, last seen ms, ...} for the online ones.
   * {@code last seen} is the time of the last announced change (the state's changed_at).
   */
  static final LuaScript STATES =
      PresenceLua.script(
          "states",
          """
      local base, now = ARGV[1], ARGV[2]
      local out = {}
      for i = 3, #ARGV do
        local user = ARGV[i]
        if isOnline(base, user) then
          local s = redis.call('HMGET', base .. 'state:' .. user, 'status', 'changed_at')
          out[#out + 1] = user
          out[#out + 1] = s[1] or 'online'
          out[#out + 1] = s[2] or redis.call('GET', base .. 'last_seen:' .. user) or now
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
    List<String> args = new ArrayList<>(List.of(keys.base(), Long.toString(clock.millis())));
    args.addAll(new LinkedHashSet<>(userIds));
    if (args.size() == 2) {
      return Future.succeededFuture(List.of());
    }
    return STATES
        .run(redis, "query users=" + (args.size() - 2), args.toArray(String[]::new))
        .map(PresenceLua::states);
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
