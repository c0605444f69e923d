package dev.parley.presence.redis;

import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Lua functions every presence script shares, so that "a user came online" and "a user's last
 * connection went away" mean the same thing whichever script notices it (a report, a heartbeat, a
 * sweep). A script about users gets {@link PresenceKeys#PER_USER} keys per user in KEYS, in the
 * order of {@link PresenceKeys#user(String)}; {@code userKeys(i)} reads the i-th user's (from 0).
 *
 * <p>Offline is not immediate: a user whose last connection goes away gets an {@code away} key
 * holding when their grace period ends, and the caller indexes them in {@code pending-offline} with
 * that time (another slot, so another command). Coming back before then deletes the key and changes
 * nothing (no flap, status kept); otherwise {@code OfflineAnnouncer} finds them through the index
 * once the time has passed.
 */
public final class PresenceLua {
  private PresenceLua() {}

  static final String FUNCTIONS =
      """
      local PER_USER = %d

      local function userKeys(i)
        local b = i * PER_USER
        return {conn = KEYS[b + 1], lastSeen = KEYS[b + 2], state = KEYS[b + 3], away = KEYS[b + 4],
                reported = KEYS[b + 5]}
      end

      -- How many users' keys KEYS holds (a script about users gets nothing else).
      local function userCount()
        return #KEYS / PER_USER
      end

      -- Online (docs/api.md#presence-and-typing): connected somewhere, or within the grace
      -- period after the last connection.
      local function isOnline(k)
        return redis.call('EXISTS', k.conn) == 1 or redis.call('EXISTS', k.away) == 1
      end

      -- The user's connections appeared. Back within the grace period: nothing to announce, returns
      -- ''. Otherwise a change: returns the status to announce (kept if set before, else online).
      local function cameOnline(k, now, stateTtl)
        local wasPending = redis.call('DEL', k.away) == 1
        local status = redis.call('HGET', k.state, 'status')
        if wasPending and status then
          redis.call('PEXPIRE', k.state, stateTtl)
          return ''
        end
        status = status or 'online'
        redis.call('HSET', k.state, 'status', status, 'changed_at', now)
        redis.call('PEXPIRE', k.state, stateTtl)
        return status
      end

      -- The user's last connection went away, last seen at lastSeen: offline once the grace period
      -- from then has passed, unless they come back first. Returns when it ends, for the index. The
      -- key outlives the deadline (awayTtl), so a user no presence node finishes goes offline anyway.
      local function wentAway(k, lastSeen, grace, stateTtl, awayTtl)
        local deadline = tonumber(lastSeen) + tonumber(grace)
        redis.call('SET', k.away, deadline, 'PX', awayTtl)
        redis.call('PEXPIRE', k.state, stateTtl)
        return deadline
      end

      """
          .formatted(PresenceKeys.PER_USER);

  /**
   * The presence states in a script's reply: the one format every script returns them in, a flat
   * Lua array {@code {user, status, at ms, user, status, at ms, ...}}.
   */
  public static List<PresenceState> states(Object luaArray) {
    List<?> flat = (List<?>) luaArray;
    List<PresenceState> out = new ArrayList<>(flat.size() / 3);
    for (int i = 0; i + 2 < flat.size(); i += 3) {
      out.add(
          new PresenceState(
              (String) flat.get(i),
              PresenceStatus.fromWire((String) flat.get(i + 1)),
              Instant.ofEpochMilli(Long.parseLong(String.valueOf(flat.get(i + 2))))));
    }
    return out;
  }

  /**
   * Users whose grace period began, and when it ends, from a flat Lua array {@code {user, deadline
   * ms, ...}}.
   */
  public static List<Away> away(Object luaArray) {
    List<?> flat = (List<?>) luaArray;
    List<Away> out = new ArrayList<>(flat.size() / 2);
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      out.add(new Away((String) flat.get(i), ((Number) flat.get(i + 1)).longValue()));
    }
    return out;
  }

  /** A user whose last connection went away; offline at {@code deadlineMillis} unless back. */
  public record Away(String userId, long deadlineMillis) {}

  /** A script whose body may call the shared functions. */
  public static LuaScript script(String name, String body) {
    return new LuaScript(name, FUNCTIONS + body);
  }
}
