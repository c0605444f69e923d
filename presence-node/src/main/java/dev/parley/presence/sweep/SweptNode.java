package dev.parley.presence.sweep;

import java.util.List;

/**
 * What sweeping one dead gateway node removed; {@code wentAway} are the users who had no connection
 * left elsewhere (offline once their grace period ends).
 */
public record SweptNode(String nodeId, int users, long connections, List<String> wentAway) {
  public SweptNode {
    wentAway = List.copyOf(wentAway);
  }
}
