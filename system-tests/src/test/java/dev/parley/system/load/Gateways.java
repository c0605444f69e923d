package dev.parley.system.load;

import java.util.List;

/**
 * The gateways a client may connect to, on 127.0.0.1. A client that loses its connection tries the
 * next one in the list first: the node that just failed is the least likely to answer.
 */
public record Gateways(List<Integer> ports) {
  public Gateways {
    ports = List.copyOf(ports);
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("no gateway");
    }
  }

  public int port(int index) {
    return ports.get(index);
  }

  /** The index after {@code index}, wrapping around. */
  public int next(int index) {
    return (index + 1) % ports.size();
  }
}
