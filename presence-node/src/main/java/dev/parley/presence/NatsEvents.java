package dev.parley.presence;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs NATS connection changes and client errors through SLF4J (jnats logs to JUL otherwise). */
final class NatsEvents implements ConnectionListener, ErrorListener {
  private static final Logger log = LoggerFactory.getLogger(NatsEvents.class);

  /** Required by the interface; jnats calls the four-argument form below. */
  @Override
  @SuppressWarnings("deprecation")
  public void connectionEvent(Connection conn, Events type) {
    connectionEvent(conn, type, null, null);
  }

  @Override
  public void connectionEvent(Connection conn, Events type, Long time, String uriDetails) {
    switch (type) {
      case CONNECTED, RECONNECTED, RESUBSCRIBED -> log.info("nats {}: {}", type.getEvent(), uriDetails != null ? uriDetails : conn.getConnectedUrl());
      case DISCONNECTED -> log.warn("nats disconnected; reports are lost until it reconnects (heartbeats heal them)");
      case CLOSED -> log.info("nats connection closed");
      default -> log.debug("nats {}", type.getEvent());
    }
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    log.warn("nats error: {}", error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    log.warn("nats: {}", exp.toString());
  }

  @Override
  public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
    log.warn("nats: presence messages arrive faster than they are handed over; some are being dropped");
  }
}
