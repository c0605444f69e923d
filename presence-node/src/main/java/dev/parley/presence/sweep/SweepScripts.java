package dev.parley.presence.sweep;

import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PresenceLua;

/**
 * Finding and clearing dead gateway nodes. Both scripts are idempotent, so two presence nodes
 * sweeping at once (the lock expired mid-sweep) remove nothing twice and count nothing twice.
 * ARGV[1] is {@link dev.parley.presence.redis.PresenceKeys#base()}.
 */
final class SweepScripts {
  private SweepScripts() {}

  /** ARGV: base. Returns the known nodes whose liveness key has expired. */
  static final LuaScript EXPIRED_NODES =
      new LuaScript(
          "expired-nodes",
          """
      local base = ARGV[1]
      local dead = {}
      for _, node in ipairs(redis.call('SMEMBERS', base .. 'nodes')) do
        if redis.call('EXISTS', base .. 'node:' .. node) == 0 then
          dead[#dead + 1] = node
        end
      end
      return dead
      """);

  /**
   * Removes up to a batch of a dead node's users' connections; a batch at a time so one huge node
   * does not hold Redis for long. ARGV: base, node, batch size, now ms, grace ms, state TTL ms.
   * Returns {users, connections, done 0|1, removed-from-nodes 0|1, users whose last connection this
   * removed}; a node that came back to life meanwhile is left alone ({0, 0, 1, 0, {}}).
   *
   * <p>last_seen is left as the dead node's last heartbeat wrote it: that is when the user was last
   * known connected, and their grace period runs from then (so they may go offline at once).
   */
  static final LuaScript SWEEP_NODE =
      PresenceLua.script(
          "sweep-node",
          """
      local base, node, batch = ARGV[1], ARGV[2], tonumber(ARGV[3])
      local now, grace, stateTtl = ARGV[4], ARGV[5], ARGV[6]
      local nodeUsers = base .. 'node-users:' .. node
      if redis.call('EXISTS', base .. 'node:' .. node) == 1 then
        return {0, 0, 1, 0, {}}
      end
      local users = redis.call('SPOP', nodeUsers, batch)
      local connections, offline = 0, {}
      for _, user in ipairs(users) do
        local conn = base .. 'conn:' .. user
        local count = redis.call('HGET', conn, node)
        if count then
          connections = connections + tonumber(count)
          redis.call('HDEL', conn, node)
          if redis.call('EXISTS', conn) == 0 then
            offline[#offline + 1] = user
            wentAway(base, user, redis.call('GET', base .. 'last_seen:' .. user) or now, grace, stateTtl)
          end
        end
      end
      if redis.call('SCARD', nodeUsers) > 0 then
        return {#users, connections, 0, 0, offline}
      end
      return {#users, connections, 1, redis.call('SREM', base .. 'nodes', node), offline}
      """);
}
