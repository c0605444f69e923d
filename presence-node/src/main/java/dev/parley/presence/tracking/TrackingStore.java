package dev.parley.presence.tracking;

import dev.parley.contract.presence.PresenceHeartbeat;
import dev.parley.contract.presence.PresenceReport;
import dev.parley.presence.redis.PresenceKeys;
import dev.parley.presence.redis.RedisLink;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Applies gateway reports and heartbeats to Redis, each as one atomic script. */
public final class TrackingStore {
  private final RedisLink redis;
  private final PresenceKeys keys;
  private final Duration nodeTtl;
  private final Duration connectionTtl;
  private final Clock clock;

  public TrackingStore(RedisLink redis, PresenceKeys keys, Duration nodeTtl, Duration connectionTtl, Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.nodeTtl = nodeTtl;
    this.connectionTtl = connectionTtl;
    this.clock = clock;
  }

  /** Adds or removes one connection of a user on a gateway node. */
  public Future<PresenceChanges> applyReport(PresenceReport report) {
    boolean connect = report.event() == PresenceReport.Event.CONNECT;
    String context = report.event().wire() + " user=" + report.userId() + " node=" + report.nodeId();
    return TrackingScripts.REPORT.run(redis, context,
            keys.base(), report.nodeId(), report.userId(), connect ? "1" : "-1",
            millis(nodeTtl), millis(connectionTtl), Long.toString(clock.millis()))
        .map(reply -> {
          boolean was = ((Long) reply.get(1)) == 1;
          boolean is = ((Long) reply.get(2)) == 1;
          List<String> user = List.of(report.userId());
          return new PresenceChanges(!was && is ? user : List.of(), was && !is ? user : List.of());
        });
  }

  /**
   * Replaces the node's counts with the heartbeat's. Empty when the heartbeat was stale (a newer one
   * of the same node was applied already).
   */
  public Future<Optional<PresenceChanges>> applyHeartbeat(PresenceHeartbeat heartbeat) {
    List<String> args = new ArrayList<>(List.of(
        keys.base(), heartbeat.nodeId(), Long.toString(heartbeat.at().toEpochMilli()),
        millis(nodeTtl), millis(connectionTtl), Long.toString(clock.millis())));
    for (Map.Entry<String, Integer> e : heartbeat.connections().entrySet()) {
      if (e.getValue() > 0) {
        args.add(e.getKey());
        args.add(e.getValue().toString());
      }
    }
    String context = "heartbeat node=" + heartbeat.nodeId() + " users=" + heartbeat.connections().size();
    return TrackingScripts.HEARTBEAT.run(redis, context, args.toArray(String[]::new))
        .map(reply -> ((Long) reply.get(0)) == 0
            ? Optional.empty()
            : Optional.of(new PresenceChanges(strings(reply.get(1)), strings(reply.get(2)))));
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Object luaArray) {
    return (List<String>) luaArray;
  }

  private static String millis(Duration d) {
    return Long.toString(d.toMillis());
  }
}
