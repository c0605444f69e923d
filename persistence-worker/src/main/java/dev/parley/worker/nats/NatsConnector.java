package dev.parley.worker.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
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
 * Opens the worker's NATS connection: named after the node so it shows in the server's connection
 * list, reconnecting forever (the stream keeps everything meanwhile), every state change logged.
 */
public final class NatsConnector {
  private static final Logger log = LoggerFactory.getLogger(NatsConnector.class);

  private NatsConnector() {}

  /** Blocking: call it off the event loop. Fails when the first connection cannot be made. */
  public static Connection connect(String url, String nodeId) throws IOException, InterruptedException {
    return Nats.connect(options(url, nodeId));
  }

  static Options options(String url, String nodeId) {
    return Options.builder()
        .server(url)
        .connectionName(nodeId)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofSeconds(1))
        .reconnectJitter(Duration.ofMillis(250))
        .connectionTimeout(Duration.ofSeconds(5))
        .connectionListener(NatsConnector::onConnectionEvent)
        .errorListener(new LoggingErrorListener())
        .build();
  }

  private static void onConnectionEvent(Connection conn, ConnectionListener.Events event) {
    switch (event) {
      case DISCONNECTED:
        log.warn("NATS disconnected from {}; reconnecting", conn.getConnectedUrl());
        break;
      case CLOSED:
        log.info("NATS connection closed");
        break;
      default:
        log.info("NATS {} ({})", event.getEvent(), conn.getConnectedUrl());
    }
  }

  private static final class LoggingErrorListener implements ErrorListener {
    @Override
    public void errorOccurred(Connection conn, String error) {
      log.warn("NATS error: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      log.warn("NATS exception: {}", exp.toString());
    }

    @Override
    public void heartbeatAlarm(Connection conn, JetStreamSubscription sub, long lastStreamSequence, long lastConsumerSequence) {
      log.warn("NATS pull heartbeats missed (last stream seq {}); the client re-issues its pull", lastStreamSequence);
    }

    @Override
    public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
      log.warn("NATS pull status error: {} {}", status.getCode(), status.getMessage());
    }
  }
}
