package dev.parley.presence.redis;

/**
 * The Redis key layout of presence, under a deployment's key prefix {@code <kp>}. The Lua scripts
 * build the same names from {@link #base()} ({@code <kp>:presence:}); change both together.
 *
 * <ul>
 *   <li>{@code <kp>:presence:conn:<user>}: hash gateway node id to open connections (always &gt; 0;
 *       a field at 0 is deleted), TTL refreshed on every write.
 *   <li>{@code <kp>:presence:node:<node>}: the gateway's liveness key; value the {@code at} of its last
 *       applied heartbeat (ms since epoch), TTL the node TTL.
 *   <li>{@code <kp>:presence:nodes}: set of gateway nodes that reported.
 *   <li>{@code <kp>:presence:node-users:<node>}: set of users with connections on that node.
 *   <li>{@code <kp>:presence:last_seen:<user>}: last time (ms since epoch) the user was known connected.
 *   <li>{@code <kp>:presence:sweep-lock}: which presence node sweeps in this interval.
 *   <li>{@code <kp>:presence:state:<user>}: hash {@code status} (online|away|busy) and
 *       {@code changed_at} (ms since epoch of the last announced change), while the user is online
 *       or within the grace period; deleted when the user goes offline.
 *   <li>{@code <kp>:presence:pending-offline}: sorted set of users with no connection left, scored
 *       by the time (ms since epoch) their grace period ends.
 *   <li>{@code <kp>:presence:status-gap:<user>}: present while the user may not change status again.
 * </ul>
 */
public record PresenceKeys(String keyPrefix) {

  public String base() {
    return keyPrefix + ":presence:";
  }

  public String connections(String userId) {
    return base() + "conn:" + userId;
  }

  public String node(String nodeId) {
    return base() + "node:" + nodeId;
  }

  public String nodes() {
    return base() + "nodes";
  }

  public String nodeUsers(String nodeId) {
    return base() + "node-users:" + nodeId;
  }

  public String lastSeen(String userId) {
    return base() + "last_seen:" + userId;
  }

  public String sweepLock() {
    return base() + "sweep-lock";
  }

  public String state(String userId) {
    return base() + "state:" + userId;
  }

  public String pendingOffline() {
    return base() + "pending-offline";
  }
}
