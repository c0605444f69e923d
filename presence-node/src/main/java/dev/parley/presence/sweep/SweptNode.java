package dev.parley.presence.sweep;

import java.util.List;

/** What sweeping one dead gateway node removed. */
public record SweptNode(String nodeId, int users, long connections, List<String> wentOffline) {
  public SweptNode {
    wentOffline = List.copyOf(wentOffline);
  }
}
