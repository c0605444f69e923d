package dev.parley.presence.sweep;

import dev.parley.presence.outbound.PresenceMetrics;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.RedisLink;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the connections of gateway nodes that stopped heartbeating. A node is dead once its
 * liveness key has expired (no heartbeat or report for a node TTL); its users' counts on it are
 * removed and it is forgotten. Several presence nodes may run sweepers: one takes the turn each
 * interval, and the scripts are safe to run twice anyway.
 */
public final class Sweeper {
  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

  private final SweepStore store;
  private final PresenceMetrics metrics;
  private final String owner;
  private final Duration interval;

  /**
   * {@code owner} identifies this presence node in the sweep lock; {@code interval} is its hold
   * time. Users with no connection left after a sweep go offline {@code grace} after they were
   * last seen.
   */
  public Sweeper(
      RedisLink redis,
      PresenceKeys keys,
      PresenceMetrics metrics,
      String owner,
      Duration interval,
      Duration grace,
      Duration stateTtl,
      Clock clock) {
    this.store = new SweepStore(redis, keys, grace, stateTtl, clock);
    this.metrics = metrics;
    this.owner = owner;
    this.interval = interval;
  }

  /** One sweep: the nodes this run removed (empty when another presence node has the turn). */
  public Future<List<SweptNode>> sweepOnce() {
    return store
        .takeTurn(owner, interval)
        .compose(
            mine ->
                mine
                    ? store.expiredNodes().compose(nodes -> sweepAll(nodes, 0, new ArrayList<>()))
                    : Future.succeededFuture(List.of()));
  }

  // One node after the other: the work is Redis-bound, and sequential keeps each script short.
  private Future<List<SweptNode>> sweepAll(List<String> nodes, int next, List<SweptNode> swept) {
    if (next == nodes.size()) {
      return Future.succeededFuture(swept);
    }
    return sweepNode(nodes.get(next), new SweptNode(nodes.get(next), 0, 0, List.of()))
        .compose(
            result -> {
              if (result != null) {
                swept.add(result);
              }
              return sweepAll(nodes, next + 1, swept);
            });
  }

  /** Batches until the node is cleared; null when the node came back or another sweeper finished it. */
  private Future<SweptNode> sweepNode(String nodeId, SweptNode sofar) {
    return store
        .sweepBatch(nodeId)
        .compose(
            batch -> {
              List<String> offline = new ArrayList<>(sofar.wentAway());
              offline.addAll(batch.wentAway());
              SweptNode total =
                  new SweptNode(
                      nodeId,
                      sofar.users() + batch.users(),
                      sofar.connections() + batch.connections(),
                      offline);
              if (!batch.done()) {
                return sweepNode(nodeId, total);
              }
              if (!batch.removedNode()) {
                return Future.succeededFuture(null);
              }
              log.info(
                  "swept node {}: {} users, {} connections",
                  nodeId,
                  total.users(),
                  total.connections());
              metrics.nodeSwept(total.connections());
              metrics.graceStarted(total.wentAway().size());
              return Future.succeededFuture(total);
            });
  }
}
