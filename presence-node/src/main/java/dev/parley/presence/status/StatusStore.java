package dev.parley.presence.status;

import dev.parley.contract.presence.PresenceRpc;
import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.PresenceLua;
import dev.parley.presence.redis.RedisLink;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sets a user's status (online, away, busy) in their presence state, atomically. */
public final class StatusStore {
  /**
   * KEYS: the user's, then their status-gap key. ARGV: status, now ms, least ms between two
   * changes, state TTL ms.
   * Returns {result, status, changed_at ms}: result 1 = changed and to announce; 0 = unchanged, or
   * recorded for a user who is not online yet (their coming online announces it); -1 = too soon
   * after the previous change (then the second value is the ms to wait).
   */
  static final LuaScript SET_STATUS =
      PresenceLua.script(
          "set-status",
          """
      local k, gap = userKeys(0), KEYS[PER_USER + 1]
      local status, now, gapMs, stateTtl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
      local current = redis.call('HGET', k.state, 'status')
      if current == status then
        return {0, status, redis.call('HGET', k.state, 'changed_at') or now}
      end
      if gapMs > 0 then
        if not redis.call('SET', gap, '1', 'NX', 'PX', gapMs) then
          return {-1, tostring(math.max(1, redis.call('PTTL', gap))), now}
        end
      end
      redis.call('HSET', k.state, 'status', status, 'changed_at', now)
      redis.call('PEXPIRE', k.state, stateTtl)
      return {isOnline(k) and 1 or 0, status, now}
      """);

  private final RedisLink redis;
  private final PresenceKeys keys;
  private final Duration minInterval;
  private final Duration stateTtl;
  private final Clock clock;

  /** The outcome of one update. */
  public sealed interface Outcome {
    /** The state now; {@code changed} when it is a change to announce. */
    record Applied(PresenceRpc.StatusResult result) implements Outcome {}

    /** Too soon after the previous change; retry after this long. */
    record TooSoon(long retryAfterMillis) implements Outcome {}
  }

  public StatusStore(
      RedisLink redis, PresenceKeys keys, Duration minInterval, Duration stateTtl, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.minInterval = minInterval;
    this.stateTtl = stateTtl;
    this.clock = clock;
  }

  private List<String> keys(String userId) {
    List<String> all = new ArrayList<>(keys.user(userId));
    all.add(keys.statusGap(userId));
    return all;
  }

  public Future<Outcome> set(String userId, PresenceStatus status) {
    return SET_STATUS
        .run(
            redis,
            "status user=" + userId,
            keys(userId),
            List.of(
                status.wire(),
                Long.toString(clock.millis()),
                Long.toString(minInterval.toMillis()),
                Long.toString(stateTtl.toMillis())))
        .map(
            reply -> {
              long result = (Long) reply.get(0);
              if (result < 0) {
                return new Outcome.TooSoon(Long.parseLong((String) reply.get(1)));
              }
              PresenceState state =
                  new PresenceState(
                      userId,
                      PresenceStatus.fromWire((String) reply.get(1)),
                      Instant.ofEpochMilli(Long.parseLong((String) reply.get(2))));
              return new Outcome.Applied(new PresenceRpc.StatusResult(state, result == 1));
            });
  }
}
