package dev.parley.gateway.realtime;

/**
 * Told when a WebSocket connection opens and when it closes (the presence report). An interface
 * here so that the endpoint needs nothing of the features built on top of it.
 */
public interface ConnectionObserver {
  void connected(String userId, String connectionId);

  void disconnected(String userId, String connectionId);
}
