package dev.parley.gateway.fanout;

import io.vertx.core.Context;

/** A client connection held by this node, as the hub sees it. */
public interface LocalConnection {
  String userId();

  /** Queues an encoded frame; thread-safe. A connection whose queue is full closes itself. */
  void send(String frame);

  /**
   * The event loop the connection writes on, or null when it has none: a frame for many
   * connections is then handed to each event loop once ({@link #sendHere}), not once per
   * connection.
   */
  default Context context() {
    return null;
  }

  /** As {@link #send}, called on {@link #context()}: nothing to hand over. */
  default void sendHere(String frame) {
    send(frame);
  }
}
