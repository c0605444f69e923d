package dev.parley.presence.outbound;

import dev.parley.contract.presence.PresenceStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Every counter the presence node exports on {@code /metrics}, named once. */
public final class PresenceMetrics {
  private final MeterRegistry registry;
  private final Counter connects;
  private final Counter disconnects;
  private final Counter heartbeatsApplied;
  private final Counter heartbeatsStale;
  private final Counter nodesSwept;
  private final Counter connectionsSwept;
  private final Counter wentOnline;
  private final Counter wentOffline;
  private final Counter graceStarted;
  private final Counter announceFailures;

  public PresenceMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.connects = reports("connect");
    this.disconnects = reports("disconnect");
    this.heartbeatsApplied =
        Counter.builder("parley.presence.heartbeats.applied")
            .description("Gateway heartbeats applied (each replaces that gateway's counts)")
            .register(registry);
    this.heartbeatsStale =
        Counter.builder("parley.presence.heartbeats.stale")
            .description(
                "Heartbeats skipped because a newer one of the same gateway was already applied")
            .register(registry);
    this.nodesSwept =
        Counter.builder("parley.presence.nodes.swept")
            .description("Gateway nodes whose heartbeat expired and whose connections were removed")
            .register(registry);
    this.connectionsSwept =
        Counter.builder("parley.presence.connections.swept")
            .description("Connections removed by sweeping dead gateway nodes")
            .register(registry);
    this.wentOnline = transitions("online");
    this.wentOffline = transitions("offline");
    this.graceStarted =
        Counter.builder("parley.presence.grace.started")
            .description(
                "Users whose last connection went away: offline once the grace period ends, unless they return")
            .register(registry);
    this.announceFailures =
        Counter.builder("parley.presence.changes.failed")
            .description("presence.changed events that could not be published (NATS down)")
            .register(registry);
    // every status at zero from the start, so a rate over them reads from the first change
    for (PresenceStatus status : PresenceStatus.values()) {
      changesPublished(status);
    }
  }

  private Counter reports(String event) {
    return Counter.builder("parley.presence.reports")
        .tag("event", event)
        .description("Connection reports received from gateways")
        .register(registry);
  }

  private Counter transitions(String to) {
    return Counter.builder("parley.presence.transitions")
        .tag("to", to)
        .description(
            "Users who came online (not back within the grace period) or went offline (grace period over)")
        .register(registry);
  }

  public void reported(boolean connect) {
    (connect ? connects : disconnects).increment();
  }

  public void heartbeatApplied() {
    heartbeatsApplied.increment();
  }

  public void heartbeatStale() {
    heartbeatsStale.increment();
  }

  public void nodeSwept(long connections) {
    nodesSwept.increment();
    connectionsSwept.increment(connections);
  }

  public void transitions(int online, int offline) {
    wentOnline.increment(online);
    wentOffline.increment(offline);
  }

  /** Users whose last connection went away (the grace period started). */
  public void graceStarted(int users) {
    graceStarted.increment(users);
  }

  /** A presence.changed event was published. */
  public void announced(PresenceStatus status) {
    changesPublished(status).increment();
  }

  private Counter changesPublished(PresenceStatus status) {
    return Counter.builder("parley.presence.changes.published")
        .tag("status", status.wire())
        .description("presence.changed events published, by status")
        .register(registry);
  }

  public void announceFailed() {
    announceFailures.increment();
  }

  /** A status update (presence.update) was answered: changed, unchanged, rate_limited, invalid or failed. */
  public void statusUpdate(String result) {
    Counter.builder("parley.presence.status.updates")
        .tag("result", result)
        .description("Status updates answered, by result")
        .register(registry)
        .increment();
  }

  /** A presence query was answered: ok, invalid or failed. */
  public void query(String result) {
    Counter.builder("parley.presence.queries")
        .tag("result", result)
        .description("Presence queries answered, by result")
        .register(registry)
        .increment();
  }

  /** A message on a presence subject that could not be read. */
  public void invalidMessage(String kind) {
    Counter.builder("parley.presence.messages.invalid")
        .tag("kind", kind)
        .description("Presence messages dropped because they could not be parsed")
        .register(registry)
        .increment();
  }

  /** A Redis operation failed (Redis down, timeout, script error). */
  public void redisFailure(String operation) {
    Counter.builder("parley.presence.redis.failures")
        .tag("op", operation)
        .description("Redis operations that failed")
        .register(registry)
        .increment();
  }
}
