package dev.parley.presence.tracking;

import dev.parley.contract.presence.PresenceState;
import dev.parley.presence.outbound.PresenceAnnouncer;
import dev.parley.presence.outbound.PresenceMetrics;
import dev.parley.presence.redis.LuaScript;
import dev.parley.presence.redis.PendingOffline;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.PresenceLua;
import dev.parley.presence.redis.RedisLink;
import dev.parley.presence.redis.UserBatches;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends grace periods: every user in {@code pending-offline} whose deadline has passed and who has no
 * connection is offline now; their state is deleted and {@code presence.changed} announced with
 * {@code last_seen_at} = when they were last connected.
 *
 * <p>The deadlines live in Redis, not in a presence node's memory, so a grace period survives the
 * node that started it: any presence node finishes it. No lock is needed: a script claims each due
 * user by removing it from the index, atomically, so when several presence nodes run it at once each
 * user is announced by exactly one of them; then the users' own keys (their slots) decide. If that
 * second step fails (Redis error, failover), the users it was to finish are indexed again, due now,
 * so the next check retries them; only a failure of that too leaves them unannounced (their {@code
 * away} key still expires, and they go offline silently: announcements are at most once).
 */
public final class OfflineAnnouncer {
  /** Users per script run: bounds how long one run holds Redis; the rest follow at once. */
  static final int BATCH = 500;

  /**
   * KEYS: pending-offline. ARGV: now ms, batch size. Claims (removes) up to a batch of users whose
   * indexed deadline has passed and returns them: each is claimed by one presence node only.
   */
  static final LuaScript CLAIM_DUE =
      new LuaScript(
          "claim-offline",
          """
      local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
      for _, user in ipairs(due) do
        redis.call('ZREM', KEYS[1], user)
      end
      return due
      """);

  /**
   * Ends the grace period of claimed users (all in one slot). KEYS: each user's. ARGV: now ms, then
   * the users. Returns {{user, 'offline', last seen ms, ...}, {user, end of grace ms, ...} whose
   * grace period now ends later (they came back and left again: indexed anew)}. A user with no
   * {@code away} key came back, and is only dropped from the index.
   */
  static final LuaScript FINISH =
      PresenceLua.script(
          "finish-offline",
          """
      local now = tonumber(ARGV[1])
      local offline, later = {}, {}
      for i = 0, userCount() - 1 do
        local k, user = userKeys(i), ARGV[2 + i]
        local deadline = tonumber(redis.call('GET', k.away) or '-1')
        if deadline > now then
          later[#later + 1] = user
          later[#later + 1] = deadline
        elseif deadline >= 0 then
          redis.call('DEL', k.away)
          if redis.call('EXISTS', k.conn) == 0 then
            redis.call('DEL', k.state)
            offline[#offline + 1] = user
            offline[#offline + 1] = 'offline'
            offline[#offline + 1] = redis.call('GET', k.lastSeen) or ARGV[1]
          end
        end
      end
      return {offline, later}
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

  /**
   * Ends the grace period of claimed users, a run per slot group; announces those now offline and
   * indexes again those whose grace period moved, and those of a run that failed (due at once, so
   * the next check retries them). Fails with a run's failure, once all are handled.
   */
  private Future<Void> finish(List<String> users, String now) {
    List<UserBatches.Run<String>> runs =
        UserBatches.start(
            FINISH, redis, keys, "finish offline", List.of(now), users, u -> u, List::of);
    return Future.join(runs.stream().map(UserBatches.Run::reply).toList())
        .transform(
            joined -> {
              List<PresenceState> offline = new ArrayList<>();
              List<PresenceLua.Away> again = new ArrayList<>();
              Throwable failure = null;
              for (UserBatches.Run<String> run : runs) {
                if (run.reply().succeeded()) {
                  List<Object> reply = run.reply().result();
                  offline.addAll(PresenceLua.states(reply.get(0)));
                  again.addAll(PresenceLua.away(reply.get(1)));
                } else {
                  failure = failure == null ? run.reply().cause() : failure;
                  long due = Long.parseLong(now);
                  run.items().forEach(u -> again.add(new PresenceLua.Away(u, due)));
                }
              }
              metrics.transitions(0, offline.size());
              announcer.announceAll(offline);
              Future<Void> indexed = PendingOffline.index(redis, keys, again);
              Throwable failed = failure;
              return failed == null
                  ? indexed
                  : indexed.transform(ar -> Future.failedFuture(failed));
            });
  }

  /** Announces every user whose grace period has ended, a batch at a time. */
  public Future<Void> announceDue() {
    String now = Long.toString(clock.millis());
    return CLAIM_DUE
        .run(
            redis,
            "pending offline",
            List.of(keys.pendingOffline()),
            List.of(now, Integer.toString(BATCH)))
        .compose(
            claimed -> {
              List<String> users = claimed.stream().map(String.class::cast).toList();
              if (users.isEmpty()) {
                return Future.succeededFuture();
              }
              return finish(users, now)
                  .compose(v -> users.size() == BATCH ? announceDue() : Future.succeededFuture());
            });
  }
}
