package dev.parley.presence.redis;

import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Lua functions every presence script shares, so that "a user came online" and "a user's last
 * connection went away" mean the same thing whichever script notices it (a report, a heartbeat, a
 * sweep). Key names follow {@link PresenceKeys}; {@code base} is its {@code base()}.
 *
 * <p>Offline is not immediate: a user whose last connection goes away is put in
 * {@code pending-offline} with the time their grace period ends. Coming back before then takes them
 * out again and changes nothing (no flap, status kept); otherwise {@code OfflineAnnouncer} claims
 * them once the time has passed.
 */
public final class PresenceLua {
  private PresenceLua() {}

  static final String FUNCTIONS =
      """
      -- Online (docs/api.md#presence-and-typing): connected somewhere, or within the grace
      -- period after the last connection.
      local function isOnline(base, user)
        return redis.call('EXISTS', base .. 'conn:' .. user) == 1
            or redis.call('ZSCORE', base .. 'pending-offline', user) ~= false
      end

      -- The user's connections appeared. Back within the grace period: nothing to announce, returns
      -- ''. Otherwise a change: returns the status to announce (kept if set before, else online).
      local function cameOnline(base, user, now, stateTtl)
        local state = base .. 'state:' .. user
        local wasPending = redis.call('ZREM', base .. 'pending-offline', user) == 1
        local status = redis.call('HGET', state, 'status')
        if wasPending and status then
          redis.call('PEXPIRE', state, stateTtl)
          return ''
        end
        status = status or 'online'
        redis.call('HSET', state, 'status', status, 'changed_at', now)
        redis.call('PEXPIRE', state, stateTtl)
        return status
      end

      -- The user's last connection went away, last seen at lastSeen: offline once the grace period
      -- from then has passed, unless they come back first.
      local function wentAway(base, user, lastSeen, grace, stateTtl)
        redis.call('ZADD', base .. 'pending-offline', tonumber(lastSeen) + tonumber(grace), user)
        redis.call('PEXPIRE', base .. 'state:' .. user, stateTtl)
      end

      """;

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
              Instant.ofEpochMilli(Long.parseLong((String) flat.get(i + 2)))));
    }
    return out;
  }

  /** A script whose body may call the shared functions. */
  public static LuaScript script(String name, String body) {
    return new LuaScript(name, FUNCTIONS + body);
  }
}
