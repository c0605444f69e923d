package dev.parley.presence;

import dev.parley.contract.Subjects;
import dev.parley.contract.presence.PresenceHeartbeat;
import dev.parley.contract.presence.PresenceReport;
import io.nats.client.Connection;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Publishes what a gateway node publishes about its connections, over a real NATS connection. */
final class FakeGateway {
  private final Connection nats;
  private final Subjects subjects;
  private final String nodeId;
  private final AtomicInteger connections = new AtomicInteger();

  FakeGateway(Connection nats, Subjects subjects, String nodeId) {
    this.nats = nats;
    this.subjects = subjects;
    this.nodeId = nodeId;
  }

  String nodeId() {
    return nodeId;
  }

  /** Reports a new connection of the user; returns its connection id. */
  String connect(String userId) {
    return connect(Instant.now(), userId);
  }

  /** Reports a new connection of the user, stamped {@code at} by the gateway's clock. */
  String connect(Instant at, String userId) {
    String connectionId = nodeId + "-c" + connections.incrementAndGet();
    publish(
        subjects.presenceReports(),
        PresenceReport.connect(nodeId, userId, connectionId, at).toBytes());
    return connectionId;
  }

  void disconnect(String userId, String connectionId) {
    disconnect(Instant.now(), userId, connectionId);
  }

  /** Reports a closed connection of the user, stamped {@code at} by the gateway's clock. */
  void disconnect(Instant at, String userId, String connectionId) {
    publish(
        subjects.presenceReports(),
        PresenceReport.disconnect(nodeId, userId, connectionId, at).toBytes());
  }

  void heartbeat(Map<String, Integer> counts) {
    heartbeat(Instant.now(), counts);
  }

  void heartbeat(Instant at, Map<String, Integer> counts) {
    publish(subjects.presenceHeartbeats(), new PresenceHeartbeat(nodeId, at, counts).toBytes());
  }

  /**
   * Heartbeats every {@code period} from a Vert.x timer, as a live gateway does, until the timer is
   * cancelled. Not flushed: jnats' publish only queues, which is fine on an event loop.
   */
  long heartbeatEvery(Vertx vertx, Duration period, Map<String, Integer> counts) {
    return vertx.setPeriodic(
        0,
        period.toMillis(),
        t ->
            nats.publish(
                subjects.presenceHeartbeats(),
                new PresenceHeartbeat(nodeId, Instant.now(), counts).toBytes()));
  }

  void publishRaw(String subject, String payload) {
    publish(subject, payload.getBytes(StandardCharsets.UTF_8));
  }

  // Flushed, so the message has left this process before the test goes on to wait for its effect.
  private void publish(String subject, byte[] payload) {
    nats.publish(subject, payload);
    try {
      nats.flush(Duration.ofSeconds(5));
    } catch (Exception e) {
      throw new AssertionError("nats flush failed: " + e, e);
    }
  }
}
