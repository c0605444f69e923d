package dev.parley.gateway.presence;

import dev.parley.contract.Subjects;
import dev.parley.contract.presence.PresenceHeartbeat;
import dev.parley.contract.presence.PresenceReport;
import dev.parley.gateway.fanout.FanoutHub;
import dev.parley.gateway.realtime.ConnectionObserver;
import io.nats.client.Connection;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the presence nodes what this gateway holds: a report per connect/disconnect, and a periodic
 * heartbeat with every user's connection count (the full truth, which heals a lost report). If NATS
 * is down the reports are lost and the next heartbeat after reconnecting repairs the counts.
 */
public final class PresenceReporter implements ConnectionObserver {
  private static final Logger log = LoggerFactory.getLogger(PresenceReporter.class);

  private final String nodeId;
  private final Connection nc;
  private final Subjects subjects;
  private final FanoutHub hub;
  private long timerId = -1;

  public PresenceReporter(String nodeId, Connection nc, Subjects subjects, FanoutHub hub) {
    this.nodeId = nodeId;
    this.nc = nc;
    this.subjects = subjects;
    this.hub = hub;
  }

  @Override
  public void connected(String userId, String connectionId) {
    report(
        new PresenceReport(
            nodeId, userId, PresenceReport.Event.CONNECT, connectionId, Instant.now()));
  }

  @Override
  public void disconnected(String userId, String connectionId) {
    report(
        new PresenceReport(
            nodeId, userId, PresenceReport.Event.DISCONNECT, connectionId, Instant.now()));
  }

  public void start(Vertx vertx, Duration interval) {
    heartbeat();
    timerId = vertx.setPeriodic(interval.toMillis(), t -> heartbeat());
  }

  public void stop(Vertx vertx) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  // Stamped before the counts are gathered (asynchronously, on the hub's context): a report stamped
  // after a change the counts missed is then newer than the heartbeat, and the presence nodes let
  // that report stand rather than the heartbeat's stale count.
  private void heartbeat() {
    Instant at = Instant.now();
    hub.connectionCounts()
        .onSuccess(
            counts ->
                publish(
                    subjects.presenceHeartbeats(),
                    new PresenceHeartbeat(nodeId, at, counts).toBytes()));
  }

  private void report(PresenceReport r) {
    publish(subjects.presenceReports(), r.toBytes());
  }

  private void publish(String subject, byte[] body) {
    if (nc.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    try {
      nc.publish(subject, body);
    } catch (RuntimeException e) {
      log.warn("presence report to {} not sent: {}", subject, e.toString());
    }
  }
}
