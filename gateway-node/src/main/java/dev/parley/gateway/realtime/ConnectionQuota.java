package dev.parley.gateway.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many WebSockets each user has open on this node. A connection over the cap is refused before
 * the upgrade (HTTP 429), so one user (or one stolen token) cannot hold a node's sockets. Shared
 * by every event loop of the node: each user's count changes atomically.
 */
final class ConnectionQuota {
  private final int maxPerUser;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  ConnectionQuota(int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  int maxPerUser() {
    return maxPerUser;
  }

  /** Takes a place for one more connection of {@code userId}; false when the user is at the cap. */
  boolean tryAcquire(String userId) {
    boolean[] taken = {false};
    counts.compute(
        userId,
        (user, n) -> {
          int open = n == null ? 0 : n;
          if (open >= maxPerUser) {
            return n;
          }
          taken[0] = true;
          return open + 1;
        });
    return taken[0];
  }

  /** Gives back a place taken by {@link #tryAcquire}. */
  void release(String userId) {
    counts.computeIfPresent(userId, (user, n) -> n <= 1 ? null : n - 1);
  }
}
