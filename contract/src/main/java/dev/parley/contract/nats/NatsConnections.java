package dev.parley.contract.nats;

import dev.parley.contract.config.Secrets;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.support.Status;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every Parley process connects to NATS: named after the node (it shows in the server's
 * connection list), reconnecting forever, every state change and client error logged through
 * SLF4J (jnats logs to JUL otherwise), with credentials in URLs redacted ({@link Secrets}). {@code whileDisconnected} tells the operator what a lost
 * connection means for this process.
 */
public final class NatsConnections {
  private static final Logger log = LoggerFactory.getLogger(NatsConnections.class);

  /**
   * Reconnect every second (jittered by up to 250 ms, so a restarted server is not hit by every
   * process at once), forever: while NATS is away a process is not ready, and nothing else it does
   * depends on how soon it retries. A retry policy, the same for every process, not a setting.
   */
  private static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);

  private static final Duration RECONNECT_JITTER = Duration.ofMillis(250);

  /** How long one connection attempt may take (a reachable server answers in milliseconds). */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private NatsConnections() {}

  public static Options options(String url, String connectionName, String whileDisconnected) {
    Listener events = new Listener(whileDisconnected);
    return Options.builder()
        .server(url)
        .connectionName(connectionName)
        .maxReconnects(-1)
        .reconnectWait(RECONNECT_WAIT)
        .reconnectJitter(RECONNECT_JITTER)
        .connectionTimeout(CONNECT_TIMEOUT)
        .connectionListener(events)
        .errorListener(events)
        .build();
  }

  /** Blocking: call it off the event loop. Fails when the first connection cannot be made. */
  public static Connection connect(String url, String connectionName, String whileDisconnected)
      throws IOException, InterruptedException {
    return Nats.connect(options(url, connectionName, whileDisconnected));
  }

  private static final class Listener implements ConnectionListener, ErrorListener {
    private final String whileDisconnected;

    Listener(String whileDisconnected) {
      this.whileDisconnected = whileDisconnected;
    }

    /** Required by the interface; jnats calls the four-argument form below. */
    @Override
    @SuppressWarnings("deprecation")
    public void connectionEvent(Connection conn, ConnectionListener.Events type) {
      connectionEvent(conn, type, null, null);
    }

    @Override
    public void connectionEvent(
        Connection conn, ConnectionListener.Events type, Long time, String uriDetails) {
      switch (type) {
        case DISCONNECTED -> log.warn("NATS disconnected; reconnecting: {}", whileDisconnected);
        case CLOSED -> log.info("NATS connection closed");
        case CONNECTED, RECONNECTED, RESUBSCRIBED ->
            log.info(
                "NATS {} ({})",
                type.getEvent(),
                Secrets.redact(uriDetails != null ? uriDetails : conn.getConnectedUrl()));
        default -> log.debug("NATS {}", type.getEvent());
      }
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
      log.warn("NATS error: {}", Secrets.redact(error));
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      log.warn("NATS exception: {}", Secrets.redact(exp.toString()));
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
      log.warn(
          "NATS: messages arrive faster than this process hands them over; some are being dropped");
    }

    @Override
    public void heartbeatAlarm(
        Connection conn,
        JetStreamSubscription sub,
        long lastStreamSequence,
        long lastConsumerSequence) {
      log.warn(
          "NATS pull heartbeats missed (last stream seq {}); the client re-issues its pull",
          lastStreamSequence);
    }

    @Override
    public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
      log.warn("NATS pull status error: {} {}", status.getCode(), status.getMessage());
    }
  }
}
