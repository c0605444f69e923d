package dev.parley.presence.sweep;

import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PresenceLua;

/**
 * Clearing dead gateway nodes, a batch of users at a time: the node's script picks a batch (or says
 * the node lives again), the users' script removes their connections on it, then the batch leaves
 * the node's set. Both scripts are idempotent, so two presence nodes sweeping at once (the lock
 * expired mid-sweep), or one dying mid-batch and another taking over, remove nothing twice and
 * count no connection twice.
 */
final class SweepScripts {
  private SweepScripts() {}

  /**
   * KEYS: alive, users of the node. ARGV: batch size. Returns {-1} when the node is alive again,
   * else {0, up to a batch of its users} (none left: the node is cleared).
   */
  static final LuaScript NODE_BATCH =
      new LuaScript(
          "sweep-node-batch",
          """
      if redis.call('EXISTS', KEYS[1]) == 1 then
        return {-1}
      end
      return {0, redis.call('SRANDMEMBER', KEYS[2], tonumber(ARGV[1]))}
      """);

  /**
   * Removes a dead node's connections of some users (all in one slot). KEYS: each user's.
   * ARGV: node, now ms, grace ms, state TTL ms, away TTL ms, then the users.
   * Returns {connections removed, {user, end of grace ms, ...} whose last connection this removed}.
   *
   * <p>last-seen is left as the dead node's last heartbeat wrote it: that is when the user was last
   * known connected, and their grace period runs from then (so they may go offline at once).
   */
  static final LuaScript REMOVE_NODE =
      PresenceLua.script(
          "sweep-users",
          """
      local node, now, grace, stateTtl, awayTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
      local connections, away = 0, {}
      for i = 0, userCount() - 1 do
        local k = userKeys(i)
        -- the node is dead: no heartbeat of it is left to weigh against its reports
        redis.call('HDEL', k.reported, node)
        local count = redis.call('HGET', k.conn, node)
        if count then
          connections = connections + tonumber(count)
          redis.call('HDEL', k.conn, node)
          if redis.call('EXISTS', k.conn) == 0 then
            away[#away + 1] = ARGV[6 + i]
            away[#away + 1] = wentAway(k, redis.call('GET', k.lastSeen) or now, grace, stateTtl, awayTtl)
          end
        end
      end
      return {connections, away}
      """);
}
