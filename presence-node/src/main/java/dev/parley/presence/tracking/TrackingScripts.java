package dev.parley.presence.tracking;

import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PresenceLua;

/**
 * The writes of presence tracking, each an atomic Lua script over one slot: a user's keys, or a
 * gateway node's. Invariant kept: a field of a user's {@code conn} hash is always a count above
 * zero, so "connected" is "the hash exists", and the hash appearing or disappearing is what
 * {@link PresenceLua}'s {@code cameOnline} / {@code wentAway} are told.
 *
 * <p>A report or heartbeat touches both a node's keys and its users', so it is several scripts: the
 * node's first for a heartbeat (the stale check decides whether anything is applied), the user's
 * first for a report (its count decides the node's set). Between them another presence node may
 * apply something of the same gateway; whatever that leaves uneven, the gateway's next heartbeat
 * replaces.
 *
 * <p>A heartbeat never undoes a newer report: a gateway gathers a heartbeat's counts after stamping
 * it, asynchronously, so a heartbeat whose counts were taken before a user's connection closed (or
 * opened) can be applied after that report. {@link #REPORT} records, per user and gateway node, the
 * {@code at} of the newest report applied (the gateway's clock, which stamps its heartbeats too),
 * and {@link #HEARTBEAT_USERS} leaves a user's count on that node as it is when that report is not
 * older than the heartbeat; the next heartbeat, newer, applies. The node's set of users may then
 * keep a user the older heartbeat listed but the report removed: harmless, since the user's
 * {@code conn} hash decides (a sweep or the next heartbeat finds no count of theirs there); a user
 * the older heartbeat no longer listed is put back in it, so a sweep of the node still finds them.
 */
final class TrackingScripts {
  private TrackingScripts() {}

  /**
   * One connection of a user opened (+1) or closed (-1). KEYS: the user's.
   * ARGV: node, delta, connection TTL ms, now ms, grace ms, state TTL ms, away TTL ms, the
   * report's at ms, node TTL ms.
   * Returns {count on that node, was connected 0|1, is connected 0|1, status to announce or '',
   * end of the grace period that began or 0}.
   */
  static final LuaScript REPORT =
      PresenceLua.script(
          "report",
          """
      local k = userKeys(0)
      local node, delta, connTtl, now = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
      local grace, stateTtl, awayTtl = ARGV[5], ARGV[6], ARGV[7]
      local at, nodeTtl = tonumber(ARGV[8]), tonumber(ARGV[9])
      -- The newest report of this node, for its heartbeats to yield to. Reports may be applied out
      -- of order too: keep the newest, unless the gap is a whole node TTL (a clock step).
      local last = tonumber(redis.call('HGET', k.reported, node) or '-1')
      if at > last or last - at >= nodeTtl then
        redis.call('HSET', k.reported, node, ARGV[8])
      end
      redis.call('PEXPIRE', k.reported, connTtl)
      local wasConnected = redis.call('EXISTS', k.conn)
      local count = redis.call('HINCRBY', k.conn, node, delta)
      if count <= 0 then
        redis.call('HDEL', k.conn, node)
        count = 0
      end
      redis.call('PEXPIRE', k.conn, connTtl)
      local isConnected = redis.call('EXISTS', k.conn)
      if wasConnected == 1 or isConnected == 1 then
        redis.call('SET', k.lastSeen, now)
      end
      local announce, deadline = '', 0
      if wasConnected == 0 and isConnected == 1 then
        announce = cameOnline(k, now, stateTtl)
      elseif wasConnected == 1 and isConnected == 0 then
        deadline = wentAway(k, now, grace, stateTtl, awayTtl)
      elseif isConnected == 1 then
        redis.call('PEXPIRE', k.state, stateTtl)
      end
      return {count, wasConnected, isConnected, announce, deadline}
      """);

  /**
   * A report's side on the gateway node. KEYS: alive, users of the node.
   * ARGV: user, has connections there 0|1, node TTL ms. Returns 1.
   */
  static final LuaScript REPORT_NODE =
      new LuaScript(
          "report-node",
          """
      -- A report is a sign of life too; keep the value (the last heartbeat's time) if there is one.
      if redis.call('PEXPIRE', KEYS[1], ARGV[3]) == 0 then
        redis.call('SET', KEYS[1], '0', 'PX', ARGV[3])
      end
      if ARGV[2] == '1' then
        redis.call('SADD', KEYS[2], ARGV[1])
      else
        redis.call('SREM', KEYS[2], ARGV[1])
      end
      return 1
      """);

  /**
   * A heartbeat's side on the gateway node: its set of users becomes the heartbeat's.
   * KEYS: alive, users of the node. ARGV: heartbeat at ms, node TTL ms, then its users.
   * Returns {1, users of the node the heartbeat no longer lists}, or {0} for a stale heartbeat.
   */
  static final LuaScript HEARTBEAT_NODE =
      new LuaScript(
          "heartbeat-node",
          """
      local at, nodeTtl = tonumber(ARGV[1]), tonumber(ARGV[2])
      -- Presence nodes share the heartbeats (a queue group), so an older heartbeat of this gateway
      -- can arrive after a newer one: skip it. A gap of a whole TTL is a clock step, not a reorder.
      local last = tonumber(redis.call('GET', KEYS[1]) or '0')
      if at < last and last - at < nodeTtl then
        return {0}
      end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', nodeTtl)
      local listed = {}
      for i = 3, #ARGV do
        listed[ARGV[i]] = true
      end
      local gone = {}
      for _, user in ipairs(redis.call('SMEMBERS', KEYS[2])) do
        if not listed[user] then
          gone[#gone + 1] = user
          redis.call('SREM', KEYS[2], user)
        end
      end
      for i = 3, #ARGV do
        redis.call('SADD', KEYS[2], ARGV[i])
      end
      return {1, gone}
      """);

  /**
   * A heartbeat's counts for some users (all in one slot). KEYS: each user's.
   * ARGV: node, connection TTL ms, now ms, grace ms, state TTL ms, away TTL ms, heartbeat at ms,
   * node TTL ms, then a user and their count per user, 0 for a user the gateway no longer lists.
   * A user with a report of that node not older than the heartbeat is left as is.
   * Returns {{user, status, now ms, ...} to announce online, {user, end of grace ms, ...}, users
   * left as is who have connections on that node}.
   */
  static final LuaScript HEARTBEAT_USERS =
      PresenceLua.script(
          "heartbeat-users",
          """
      local node, connTtl, now = ARGV[1], ARGV[2], ARGV[3]
      local grace, stateTtl, awayTtl = ARGV[4], ARGV[5], ARGV[6]
      local at, nodeTtl = tonumber(ARGV[7]), tonumber(ARGV[8])
      local online, away, kept = {}, {}, {}
      for i = 0, userCount() - 1 do
        local k = userKeys(i)
        local user, count = ARGV[9 + 2 * i], tonumber(ARGV[10 + 2 * i])
        -- Counts taken before the node's last report of this user (same clock): that report is
        -- newer, leave its result as is. A gap of a whole node TTL is a clock step, not a reorder.
        local reported = tonumber(redis.call('HGET', k.reported, node) or '-1')
        if reported >= at and reported - at < nodeTtl then
          if redis.call('HEXISTS', k.conn, node) == 1 then
            kept[#kept + 1] = user
          end
        elseif count == 0 then
          if redis.call('HDEL', k.conn, node) == 1 and redis.call('EXISTS', k.conn) == 0 then
            redis.call('SET', k.lastSeen, now)
            away[#away + 1] = user
            away[#away + 1] = wentAway(k, now, grace, stateTtl, awayTtl)
          end
        else
          if redis.call('HSET', k.conn, node, count) == 1 and redis.call('HLEN', k.conn) == 1 then
            local status = cameOnline(k, now, stateTtl)
            if status ~= '' then
              online[#online + 1] = user
              online[#online + 1] = status
              online[#online + 1] = now
            end
          else
            redis.call('PEXPIRE', k.state, stateTtl)
          end
          redis.call('PEXPIRE', k.conn, connTtl)
          redis.call('SET', k.lastSeen, now)
        end
      end
      return {online, away, kept}
      """);
}
