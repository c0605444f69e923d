package dev.parley.presence.tracking;

import dev.parley.contract.presence.PresenceHeartbeat;
import dev.parley.contract.presence.PresenceReport;
import dev.parley.presence.outbound.PresenceAnnouncer;
import dev.parley.presence.outbound.PresenceMetrics;
import dev.parley.presence.redis.RedisLink;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what gateways publish and applies it; announces the users who came online. A user whose
 * last connection went away is not announced here: {@code OfflineAnnouncer} does once the grace
 * period has passed without a return. A message that cannot be read is logged and counted,
 * then dropped; a Redis failure is counted and warned about by the link, and healed by the
 * gateway's next heartbeat, so nothing here retries.
 */
public final class PresenceIngest {
  private static final Logger log = LoggerFactory.getLogger(PresenceIngest.class);

  private final TrackingStore store;
  private final PresenceMetrics metrics;
  private final PresenceAnnouncer announcer;

  public PresenceIngest(TrackingStore store, PresenceMetrics metrics, PresenceAnnouncer announcer) {
    this.store = store;
    this.metrics = metrics;
    this.announcer = announcer;
  }

  /** A payload from {@code Subjects.presenceReports()}. */
  public Future<PresenceChanges> onReport(byte[] payload) {
    PresenceReport report;
    try {
      report = PresenceReport.fromBytes(payload);
    } catch (IllegalArgumentException e) {
      return invalid("report", payload, e);
    }
    metrics.reported(report.event() == PresenceReport.Event.CONNECT);
    return store
        .applyReport(report)
        .onSuccess(this::changed)
        .onFailure(e -> unexpected("report " + report, e));
  }

  /** A payload from {@code Subjects.presenceHeartbeats()}. */
  public Future<PresenceChanges> onHeartbeat(byte[] payload) {
    PresenceHeartbeat heartbeat;
    try {
      heartbeat = PresenceHeartbeat.fromBytes(payload);
    } catch (IllegalArgumentException e) {
      return invalid("heartbeat", payload, e);
    }
    return store
        .applyHeartbeat(heartbeat)
        .map(
            applied -> {
              if (applied.isEmpty()) {
                metrics.heartbeatStale();
                log.debug(
                    "skipped a stale heartbeat of node {} at {}",
                    heartbeat.nodeId(),
                    heartbeat.at());
                return PresenceChanges.NONE;
              }
              metrics.heartbeatApplied();
              changed(applied.get());
              return applied.get();
            })
        .onFailure(e -> unexpected("heartbeat of node " + heartbeat.nodeId(), e));
  }

  private void changed(PresenceChanges changes) {
    if (!changes.isEmpty()) {
      metrics.transitions(changes.wentOnline().size(), 0);
      metrics.graceStarted(changes.wentAway().size());
      announcer.announceAll(changes.wentOnline());
      log.debug(
          "presence: came online {}, last connection gone (grace started) {}",
          changes.wentOnline(),
          changes.wentAway());
    }
  }

  // Redis failures are counted and warned about by the link; anything else is a bug worth a trace.
  private static void unexpected(String what, Throwable e) {
    if (!RedisLink.isRedisFailure(e)) {
      log.error("applying {} failed", what, e);
    }
  }

  private Future<PresenceChanges> invalid(String kind, byte[] payload, IllegalArgumentException e) {
    metrics.invalidMessage(kind);
    log.warn(
        "dropped an unreadable presence {} ({} bytes): {}", kind, payload.length, e.getMessage());
    return Future.failedFuture(e);
  }
}
