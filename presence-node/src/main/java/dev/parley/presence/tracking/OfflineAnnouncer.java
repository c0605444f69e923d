package dev.parley.presence.tracking;

import dev.parley.contract.presence.PresenceState;
import dev.parley.presence.outbound.PresenceAnnouncer;
import dev.parley.presence.outbound.PresenceMetrics;
import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.PresenceLua;
import dev.parley.presence.redis.RedisLink;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/**
 * Ends grace periods: every user in {@code pending-offline} whose deadline has passed and who has no
 * connection is offline now; their state is deleted and {@code presence.changed} announced with
 * {@code last_seen_at} = when they were last connected.
 *
 * <p>The deadlines live in Redis, not in a presence node's memory, so a grace period survives the
 * node that started it: any presence node finishes it. No lock is needed: the script claims each
 * due user by removing it, atomically, so when several presence nodes run it at once each user is
 * announced by exactly one of them.
 */
public final class OfflineAnnouncer {
  /** Users per script run: bounds how long one run holds Redis; the rest follow at once. */
  static final int BATCH = 500;

  /**
   * ARGV: base, now ms, batch size. Returns {users claimed, {user, 'offline', last seen ms, ...}}.
   * A claimed user with a connection again (its return raced this run) is only taken out.
   */
  static final LuaScript CLAIM_DUE =
      new LuaScript(
          "claim-offline",
          """
      local base, now, batch = ARGV[1], ARGV[2], tonumber(ARGV[3])
      local pending = base .. 'pending-offline'
      local due = redis.call('ZRANGEBYSCORE', pending, '-inf', now, 'LIMIT', 0, batch)
      local offline = {}
      for _, user in ipairs(due) do
        redis.call('ZREM', pending, user)
        if redis.call('EXISTS', base .. 'conn:' .. user) == 0 then
          redis.call('DEL', base .. 'state:' .. user)
          offline[#offline + 1] = user
          offline[#offline + 1] = 'offline'
          offline[#offline + 1] = redis.call('GET', base .. 'last_seen:' .. user) or now
        end
      end
      return {#due, offline}
      """);

  private final RedisLink redis;
  private final PresenceKeys keys;
  private final PresenceAnnouncer announcer;
  private final PresenceMetrics metrics;
  private final Clock clock;

  public OfflineAnnouncer(
      RedisLink redis,
      PresenceKeys keys,
      PresenceAnnouncer announcer,
      PresenceMetrics metrics,
      Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.announcer = announcer;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Announces every user whose grace period has ended, a batch at a time. */
  public Future<Void> announceDue() {
    String now = Long.toString(clock.millis());
    return CLAIM_DUE
        .run(redis, "pending offline", keys.base(), now, Integer.toString(BATCH))
        .compose(
            reply -> {
              long claimed = (Long) reply.get(0);
              List<PresenceState> offline = PresenceLua.states(reply.get(1));
              metrics.transitions(0, offline.size());
              announcer.announceAll(offline);
              return claimed == BATCH ? announceDue() : Future.succeededFuture();
            });
  }
}
