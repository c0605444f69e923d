package dev.parley.presence.tracking;

import dev.parley.contract.presence.PresenceHeartbeat;
import dev.parley.contract.presence.PresenceReport;
import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.PresenceLua;
import dev.parley.presence.redis.RedisLink;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Applies gateway reports and heartbeats to Redis, each as one atomic script. */
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
  public record Times(
      Duration nodeTtl, Duration connectionTtl, Duration grace, Duration stateTtl) {}

  public TrackingStore(RedisLink redis, PresenceKeys keys, Times times, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.times = times;
    this.clock = clock;
  }

  /** Adds or removes one connection of a user on a gateway node. */
  public Future<PresenceChanges> applyReport(PresenceReport report) {
    boolean connect = report.event() == PresenceReport.Event.CONNECT;
    String context =
        report.event().wire() + " user=" + report.userId() + " node=" + report.nodeId();
    long now = clock.millis();
    return TrackingScripts.REPORT
        .run(
            redis,
            context,
            keys.base(),
            report.nodeId(),
            report.userId(),
            connect ? "1" : "-1",
            millis(times.nodeTtl()),
            millis(times.connectionTtl()),
            Long.toString(now),
            millis(times.grace()),
            millis(times.stateTtl()))
        .map(
            reply -> {
              boolean was = ((Long) reply.get(1)) == 1;
              boolean is = ((Long) reply.get(2)) == 1;
              String announce = (String) reply.get(3);
              List<PresenceState> online =
                  announce.isEmpty()
                      ? List.of()
                      : List.of(
                          new PresenceState(
                              report.userId(),
                              PresenceStatus.fromWire(announce),
                              Instant.ofEpochMilli(now)));
              return new PresenceChanges(online, was && !is ? List.of(report.userId()) : List.of());
            });
  }

  /**
   * Replaces the node's counts with the heartbeat's. Empty when the heartbeat was stale (a newer one
   * of the same node was applied already).
   */
  public Future<Optional<PresenceChanges>> applyHeartbeat(PresenceHeartbeat heartbeat) {
    long now = clock.millis();
    List<String> args =
        new ArrayList<>(
            List.of(
                keys.base(),
                heartbeat.nodeId(),
                Long.toString(heartbeat.at().toEpochMilli()),
                millis(times.nodeTtl()),
                millis(times.connectionTtl()),
                Long.toString(now),
                millis(times.grace()),
                millis(times.stateTtl())));
    for (Map.Entry<String, Integer> e : heartbeat.connections().entrySet()) {
      if (e.getValue() > 0) {
        args.add(e.getKey());
        args.add(e.getValue().toString());
      }
    }
    String context =
        "heartbeat node=" + heartbeat.nodeId() + " users=" + heartbeat.connections().size();
    return TrackingScripts.HEARTBEAT
        .run(redis, context, args.toArray(String[]::new))
        .map(
            reply ->
                ((Long) reply.get(0)) == 0
                    ? Optional.empty()
                    : Optional.of(
                        new PresenceChanges(
                            PresenceLua.states(reply.get(1)), strings(reply.get(2)))));
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Object luaArray) {
    return (List<String>) luaArray;
  }

  private static String millis(Duration d) {
    return Long.toString(d.toMillis());
  }
}
