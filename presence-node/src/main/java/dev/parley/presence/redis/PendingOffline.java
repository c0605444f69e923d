package dev.parley.presence.redis;

import io.lettuce.core.ScoredValue;
import io.vertx.core.Future;
import java.util.List;

/**
 * The index of running grace periods ({@code pending-offline}): a user's own {@code away} key says
 * whether and until when their grace period runs; this sorted set, in a slot of its own, is how
 * {@code OfflineAnnouncer} finds the ones that end. It is written after the user's script (another
 * slot, so another command): a presence node dying in between leaves a user unindexed, who then goes
 * offline unannounced when the {@code away} key expires; presence announcements are at most once.
 */
public final class PendingOffline {
  private PendingOffline() {}

  /** Indexes users whose grace period began (or moved), by when it ends. */
  public static Future<Void> index(
      RedisLink redis, PresenceKeys keys, List<PresenceLua.Away> away) {
    if (away.isEmpty()) {
      return Future.succeededFuture();
    }
    @SuppressWarnings("unchecked")
    ScoredValue<String>[] entries =
        away.stream()
            .map(a -> ScoredValue.just((double) a.deadlineMillis(), a.userId()))
            .toArray(ScoredValue[]::new);
    return redis
        .call(
            "pending-offline", "users=" + away.size(), r -> r.zadd(keys.pendingOffline(), entries))
        .mapEmpty();
  }
}
