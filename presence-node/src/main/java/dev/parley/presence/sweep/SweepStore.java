package dev.parley.presence.sweep;

import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.RedisLink;
import io.lettuce.core.SetArgs;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The Redis side of sweeping: the lock, the dead nodes, clearing a node a batch at a time. */
final class SweepStore {
  /** One batch of a node's users per script run: bounds how long one run holds Redis. */
  static final int BATCH = 500;

  private final RedisLink redis;
  private final PresenceKeys keys;
  private final Duration grace;
  private final Duration stateTtl;
  private final Clock clock;

  SweepStore(RedisLink redis, PresenceKeys keys, Duration grace, Duration stateTtl, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.grace = grace;
    this.stateTtl = stateTtl;
    this.clock = clock;
  }

  /**
   * Takes this interval's sweep turn: SET NX PX, left to expire, so at most one presence node sweeps
   * per interval. Correctness does not depend on it (the scripts are idempotent); it avoids doing
   * the work, and logging it, twice.
   */
  Future<Boolean> takeTurn(String owner, Duration interval) {
    return redis
        .call(
            "sweep-lock",
            "owner=" + owner,
            r -> r.set(keys.sweepLock(), owner, SetArgs.Builder.nx().px(interval.toMillis())))
        .map("OK"::equals);
  }

  Future<List<String>> expiredNodes() {
    return SweepScripts.EXPIRED_NODES
        .run(redis, "expired nodes", keys.base())
        .map(reply -> reply.stream().map(String.class::cast).toList());
  }

  /** One batch of {@link SweepScripts#SWEEP_NODE}. */
  Future<Batch> sweepBatch(String nodeId) {
    return SweepScripts.SWEEP_NODE
        .run(
            redis,
            "sweep node=" + nodeId,
            keys.base(),
            nodeId,
            Integer.toString(BATCH),
            Long.toString(clock.millis()),
            Long.toString(grace.toMillis()),
            Long.toString(stateTtl.toMillis()))
        .map(
            reply ->
                new Batch(
                    ((Long) reply.get(0)).intValue(),
                    (Long) reply.get(1),
                    ((Long) reply.get(2)) == 1,
                    ((Long) reply.get(3)) == 1,
                    ((List<?>) reply.get(4)).stream().map(String.class::cast).toList()));
  }

  record Batch(
      int users, long connections, boolean done, boolean removedNode, List<String> wentAway) {}
}
