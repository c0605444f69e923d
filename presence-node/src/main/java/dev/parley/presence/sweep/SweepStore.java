package dev.parley.presence.sweep;

import dev.parley.presence.redis.PendingOffline;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.PresenceLua;
import dev.parley.presence.redis.RedisLink;
import dev.parley.presence.redis.UserBatches;
import io.lettuce.core.SetArgs;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The Redis side of sweeping: the lock, the dead nodes, clearing a node a batch at a time. */
final class SweepStore {
  /** One batch of a node's users per round: bounds how long one script holds Redis. */
  static final int BATCH = UserBatches.MAX;

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

  /** The known nodes whose liveness key has expired (one EXISTS each: they live in other slots). */
  Future<List<String>> expiredNodes() {
    return redis
        .call("expired-nodes", "nodes", r -> r.smembers(keys.nodes()))
        .compose(
            nodes -> {
              List<String> known = List.copyOf(nodes);
              List<Future<Long>> alive = new ArrayList<>();
              for (String node : known) {
                alive.add(
                    redis.call("expired-nodes", "node=" + node, r -> r.exists(keys.node(node))));
              }
              return Future.all(alive)
                  .map(
                      all -> {
                        List<String> dead = new ArrayList<>();
                        for (int i = 0; i < known.size(); i++) {
                          if (all.<Long>resultAt(i) == 0) {
                            dead.add(known.get(i));
                          }
                        }
                        return dead;
                      });
            });
  }

  /**
   * One batch: users picked from the node's set, their connections on it removed, the index told of
   * the ones left with none, then the batch taken out of the set. The last (empty) batch forgets the
   * node; exactly one sweeper sees {@code removedNode}.
   */
  Future<Batch> sweepBatch(String nodeId) {
    String context = "sweep node=" + nodeId;
    return SweepScripts.NODE_BATCH
        .run(redis, context, keys.gateway(nodeId), List.of(Integer.toString(BATCH)))
        .compose(
            reply -> {
              if (((Long) reply.get(0)) < 0) {
                return Future.succeededFuture(new Batch(0, 0, true, false, List.of()));
              }
              List<String> users =
                  ((List<?>) reply.get(1)).stream().map(String.class::cast).toList();
              if (users.isEmpty()) {
                return redis
                    .call("sweep-forget", context, r -> r.srem(keys.nodes(), nodeId))
                    .map(removed -> new Batch(0, 0, true, removed == 1, List.of()));
              }
              return removeUsers(nodeId, users, context);
            });
  }

  private Future<Batch> removeUsers(String nodeId, List<String> users, String context) {
    List<String> fixed =
        List.of(
            nodeId,
            Long.toString(clock.millis()),
            Long.toString(grace.toMillis()),
            Long.toString(stateTtl.toMillis()),
            Long.toString(grace.plus(stateTtl).toMillis()));
    return UserBatches.run(
            SweepScripts.REMOVE_NODE, redis, keys, context, fixed, users, u -> u, List::of)
        .compose(
            replies -> {
              long connections = 0;
              List<PresenceLua.Away> away = new ArrayList<>();
              for (List<Object> reply : replies) {
                connections += (Long) reply.get(0);
                away.addAll(PresenceLua.away(reply.get(1)));
              }
              long removed = connections;
              return PendingOffline.index(redis, keys, away)
                  .compose(
                      v ->
                          redis.call(
                              "sweep-batch",
                              context,
                              r -> r.srem(keys.nodeUsers(nodeId), users.toArray(String[]::new))))
                  .map(
                      v ->
                          new Batch(
                              users.size(),
                              removed,
                              false,
                              false,
                              away.stream().map(PresenceLua.Away::userId).toList()));
            });
  }

  record Batch(
      int users, long connections, boolean done, boolean removedNode, List<String> wentAway) {}
}
