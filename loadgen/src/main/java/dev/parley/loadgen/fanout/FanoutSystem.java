package dev.parley.loadgen.fanout;

import java.util.Map;

/**
 * What a fanout is driven against: Parley over its public API, or the floor (a bare NATS server
 * over WebSocket). Both get the same connections, groups, pacing and measurement.
 */
public interface FanoutSystem extends AutoCloseable {
  /** "parley" or "floor". */
  String name();

  /**
   * Opens {@code connections} connections, member {@code j} of group {@code g} being connection
   * {@code (g * membersPerGroup + j) % connections}, spread over the nodes, each delivering what
   * it receives to its {@link Receiver}. Blocks until all are ready.
   */
  void open(int connections, int groups, int membersPerGroup, Receiver.PhaseClock clock)
      throws Exception;

  /** Sends one message from group {@code group}'s sender (member 0); thread-safe. */
  void send(int group, String content, Phase phase);

  /** CPU seconds so far of the processes that serve this system, by name. */
  Map<String, Double> cpuSeconds();

  /** Their resident memory now, KiB, by name. */
  Map<String, Long> rssKib();

  /** Connections that had to reconnect so far. */
  int reconnects();

  @Override
  void close();
}
