package dev.parley.gateway.fanout;

/** A client connection held by this node, as the hub sees it. */
public interface LocalConnection {
  String userId();

  /** Queues an encoded frame; thread-safe. A connection whose queue is full closes itself. */
  void send(String frame);
}
