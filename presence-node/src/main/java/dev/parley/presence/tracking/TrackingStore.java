package dev.parley.presence.tracking;

import dev.parley.contract.presence.PresenceHeartbeat;
import dev.parley.contract.presence.PresenceReport;
import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import dev.parley.presence.redis.PendingOffline;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.PresenceLua;
import dev.parley.presence.redis.RedisLink;
import dev.parley.presence.redis.UserBatches;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies gateway reports and heartbeats to Redis: atomic scripts per slot (a user's keys, a node's
 * keys), see {@link TrackingScripts}.
 */
public final class TrackingStore {
  private final RedisLink redis;
  private final PresenceKeys keys;
  private final Times times;
  private final Clock clock;

  /**
   * The durations the scripts apply.
   *
   * @param nodeTtl a gateway node not heard from for this long is dead
   * @param connectionTtl TTL of a user's connection hash, refreshed on every write
   * @param grace how long a user with no connection left stays online
   * @param stateTtl TTL of a user's presence state, refreshed on every write
   */
  public record Times(Duration nodeTtl, Duration connectionTtl, Duration grace, Duration stateTtl) {
    /** How long a user's away key lives: past its deadline, so an unfinished grace period ends. */
    public Duration awayTtl() {
      return grace.plus(stateTtl);
    }
  }

  public TrackingStore(RedisLink redis, PresenceKeys keys, Times times, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.times = times;
    this.clock = clock;
  }

  /**
   * Adds or removes one connection of a user on a gateway node: the user's script, then, together,
   * the node's side, the gateway in the set of nodes, and the index if the grace period began.
   */
  public Future<PresenceChanges> applyReport(PresenceReport report) {
    boolean connect = report.event() == PresenceReport.Event.CONNECT;
    String user = report.userId();
    String node = report.nodeId();
    String context = report.event().wire() + " user=" + user + " node=" + node;
    long now = clock.millis();
    return TrackingScripts.REPORT
        .run(
            redis,
            context,
            keys.user(user),
            List.of(
                node,
                connect ? "1" : "-1",
                millis(times.connectionTtl()),
                Long.toString(now),
                millis(times.grace()),
                millis(times.stateTtl()),
                millis(times.awayTtl()),
                Long.toString(report.at().toEpochMilli()),
                millis(times.nodeTtl())))
        .compose(
            reply -> {
              long count = (Long) reply.get(0);
              boolean was = ((Long) reply.get(1)) == 1;
              boolean is = ((Long) reply.get(2)) == 1;
              String announce = (String) reply.get(3);
              long deadline = (Long) reply.get(4);
              List<PresenceState> online =
                  announce.isEmpty()
                      ? List.of()
                      : List.of(
                          new PresenceState(
                              user, PresenceStatus.fromWire(announce), Instant.ofEpochMilli(now)));
              List<PresenceLua.Away> away =
                  was && !is ? List.of(new PresenceLua.Away(user, deadline)) : List.of();
              return Future.all(
                      TrackingScripts.REPORT_NODE.run(
                          redis,
                          context,
                          keys.gateway(node),
                          List.of(user, count > 0 ? "1" : "0", millis(times.nodeTtl()))),
                      knownNode(node),
                      PendingOffline.index(redis, keys, away))
                  .map(
                      all ->
                          new PresenceChanges(online, away.isEmpty() ? List.of() : List.of(user)));
            });
  }

  /**
   * Replaces the node's counts with the heartbeat's: the node's script (which drops a stale
   * heartbeat), then the users' in slot groups (each leaves a user with a newer report of the node
   * as is), then the index, and the users so left who still have connections there back in the
   * node's set. Empty when the heartbeat was stale (a newer one of the same node was applied
   * already).
   */
  public Future<Optional<PresenceChanges>> applyHeartbeat(PresenceHeartbeat heartbeat) {
    long now = clock.millis();
    String node = heartbeat.nodeId();
    Map<String, Integer> counts = new LinkedHashMap<>();
    heartbeat
        .connections()
        .forEach(
            (user, count) -> {
              if (count > 0) {
                counts.put(user, count);
              }
            });
    List<String> nodeArgs =
        new ArrayList<>(
            List.of(Long.toString(heartbeat.at().toEpochMilli()), millis(times.nodeTtl())));
    nodeArgs.addAll(counts.keySet());
    String context = "heartbeat node=" + node + " users=" + counts.size();
    return TrackingScripts.HEARTBEAT_NODE
        .run(redis, context, keys.gateway(node), nodeArgs)
        .compose(
            reply -> {
              if (((Long) reply.get(0)) == 0) {
                return Future.succeededFuture(Optional.empty());
              }
              strings(reply.get(1)).forEach(gone -> counts.put(gone, 0));
              return applyCounts(node, counts, heartbeat.at().toEpochMilli(), now, context)
                  .map(Optional::of);
            });
  }

  private Future<PresenceChanges> applyCounts(
      String node, Map<String, Integer> counts, long at, long now, String context) {
    List<String> fixed =
        List.of(
            node,
            millis(times.connectionTtl()),
            Long.toString(now),
            millis(times.grace()),
            millis(times.stateTtl()),
            millis(times.awayTtl()),
            Long.toString(at),
            millis(times.nodeTtl()));
    return UserBatches.run(
            TrackingScripts.HEARTBEAT_USERS,
            redis,
            keys,
            context,
            fixed,
            List.copyOf(counts.entrySet()),
            Map.Entry::getKey,
            e -> List.of(e.getKey(), e.getValue().toString()))
        .compose(
            replies -> {
              List<PresenceState> online = new ArrayList<>();
              List<PresenceLua.Away> away = new ArrayList<>();
              List<String> kept = new ArrayList<>();
              for (List<Object> reply : replies) {
                online.addAll(PresenceLua.states(reply.get(0)));
                away.addAll(PresenceLua.away(reply.get(1)));
                kept.addAll(strings(reply.get(2)));
              }
              return Future.all(
                      knownNode(node),
                      PendingOffline.index(redis, keys, away),
                      keepOnNode(node, kept, context))
                  .map(
                      all ->
                          new PresenceChanges(
                              online, away.stream().map(PresenceLua.Away::userId).toList()));
            });
  }

  /**
   * Puts back in the node's set the users a heartbeat left as is (a newer report of theirs) who have
   * connections there: the node's script took the heartbeat's list, which may miss them, and a
   * sweep of the node finds its users through that set.
   */
  private Future<Long> keepOnNode(String node, List<String> users, String context) {
    if (users.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    return redis.call(
        "node users", context, r -> r.sadd(keys.nodeUsers(node), users.toArray(String[]::new)));
  }

  /** The gateway in the set of nodes the sweep looks at (its own slot, so its own command). */
  private Future<Long> knownNode(String node) {
    return redis.call("nodes", "node=" + node, r -> r.sadd(keys.nodes(), node));
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Object luaArray) {
    return (List<String>) luaArray;
  }

  private static String millis(Duration d) {
    return Long.toString(d.toMillis());
  }
}
