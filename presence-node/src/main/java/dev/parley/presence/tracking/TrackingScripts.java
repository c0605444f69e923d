package dev.parley.presence.tracking;

import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PresenceLua;

/**
 * The two writes of presence tracking, each one atomic Lua script. Key names follow
 * {@link dev.parley.presence.redis.PresenceKeys}; ARGV[1] is its {@code base()}. Invariant kept by
 * both: a field of a {@code conn:<user>} hash is always a count above zero, so "connected" is "the
 * hash exists", and the hash appearing or disappearing is what {@link PresenceLua}'s
 * {@code cameOnline} / {@code wentAway} are told.
 */
final class TrackingScripts {
  private TrackingScripts() {}

  /**
   * One connection opened (+1) or closed (-1).
   * ARGV: base, node, user, delta, node TTL ms, connection TTL ms, now ms, grace ms, state TTL ms.
   * Returns {count on that node, was connected 0|1, is connected 0|1, status to announce or ''}.
   */
  static final LuaScript REPORT =
      PresenceLua.script(
          "report",
          """
      local base, node, user = ARGV[1], ARGV[2], ARGV[3]
      local delta, nodeTtl, connTtl, now = tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
      local grace, stateTtl = ARGV[8], ARGV[9]
      local conn = base .. 'conn:' .. user
      local nodeKey = base .. 'node:' .. node
      local nodeUsers = base .. 'node-users:' .. node
      -- A report is a sign of life too; keep the value (the last heartbeat's time) if there is one.
      if redis.call('PEXPIRE', nodeKey, nodeTtl) == 0 then
        redis.call('SET', nodeKey, '0', 'PX', nodeTtl)
      end
      redis.call('SADD', base .. 'nodes', node)
      local wasConnected = redis.call('EXISTS', conn)
      local count = redis.call('HINCRBY', conn, node, delta)
      if count <= 0 then
        redis.call('HDEL', conn, node)
        redis.call('SREM', nodeUsers, user)
        count = 0
      else
        redis.call('SADD', nodeUsers, user)
      end
      redis.call('PEXPIRE', conn, connTtl)
      local isConnected = redis.call('EXISTS', conn)
      if wasConnected == 1 or isConnected == 1 then
        redis.call('SET', base .. 'last_seen:' .. user, now)
      end
      local announce = ''
      if wasConnected == 0 and isConnected == 1 then
        announce = cameOnline(base, user, now, stateTtl)
      elseif wasConnected == 1 and isConnected == 0 then
        wentAway(base, user, now, grace, stateTtl)
      elseif isConnected == 1 then
        redis.call('PEXPIRE', base .. 'state:' .. user, stateTtl)
      end
      return {count, wasConnected, isConnected, announce}
      """);

  /**
   * A gateway's full list of counts replaces what is recorded for it.
   * ARGV: base, node, heartbeat at ms, node TTL ms, connection TTL ms, now ms, grace ms, state TTL ms,
   * then user, count pairs (counts above zero only).
   * Returns {1, {user, status, now ms, ...} to announce online, users whose last connection went away},
   * or {0} for a stale heartbeat.
   */
  static final LuaScript HEARTBEAT =
      PresenceLua.script(
          "heartbeat",
          """
      local base, node = ARGV[1], ARGV[2]
      local at, nodeTtl, connTtl, now = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6]
      local grace, stateTtl = ARGV[7], ARGV[8]
      local nodeKey = base .. 'node:' .. node
      local nodeUsers = base .. 'node-users:' .. node
      -- Presence nodes share the heartbeats (a queue group), so an older heartbeat of this gateway
      -- can arrive after a newer one: skip it. A gap of a whole TTL is a clock step, not a reorder.
      local last = tonumber(redis.call('GET', nodeKey) or '0')
      if at < last and last - at < nodeTtl then
        return {0}
      end
      redis.call('SET', nodeKey, ARGV[3], 'PX', nodeTtl)
      redis.call('SADD', base .. 'nodes', node)
      local counts = {}
      for i = 9, #ARGV, 2 do
        counts[ARGV[i]] = ARGV[i + 1]
      end
      local online, away = {}, {}
      for _, user in ipairs(redis.call('SMEMBERS', nodeUsers)) do
        if counts[user] == nil then
          local conn = base .. 'conn:' .. user
          if redis.call('HDEL', conn, node) == 1 and redis.call('EXISTS', conn) == 0 then
            redis.call('SET', base .. 'last_seen:' .. user, now)
            wentAway(base, user, now, grace, stateTtl)
            away[#away + 1] = user
          end
          redis.call('SREM', nodeUsers, user)
        end
      end
      for user, count in pairs(counts) do
        local conn = base .. 'conn:' .. user
        if redis.call('HSET', conn, node, count) == 1 and redis.call('HLEN', conn) == 1 then
          local status = cameOnline(base, user, now, stateTtl)
          if status ~= '' then
            online[#online + 1] = user
            online[#online + 1] = status
            online[#online + 1] = now
          end
        else
          redis.call('PEXPIRE', base .. 'state:' .. user, stateTtl)
        end
        redis.call('PEXPIRE', conn, connTtl)
        redis.call('SADD', nodeUsers, user)
        redis.call('SET', base .. 'last_seen:' .. user, now)
      end
      return {1, online, away}
      """);
}
