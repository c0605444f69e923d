package dev.parley.presence.redis;

import java.util.List;

/**
 * The Redis key layout of presence, under a deployment's key prefix {@code <kp>}. Every script gets
 * every key it touches in KEYS, and the keys one script touches share a hash tag, so presence runs on
 * a Redis Cluster as on a single server: a user's keys are tagged {@code {u:<user>}}, a gateway
 * node's {@code {n:<node>}}; the three shared keys stand alone and are only used by single-key
 * commands or scripts of their own.
 *
 * <ul>
 *   <li>{@code <kp>:presence:{u:<user>}:conn}: hash gateway node id to open connections (always &gt;
 *       0; a field at 0 is deleted), TTL refreshed on every write.
 *   <li>{@code <kp>:presence:{u:<user>}:last-seen}: last time (ms since epoch) the user was known
 *       connected.
 *   <li>{@code <kp>:presence:{u:<user>}:state}: hash {@code status} (online|away|busy) and
 *       {@code changed_at} (ms since epoch of the last announced change), while the user is online
 *       or within the grace period; deleted when the user goes offline.
 *   <li>{@code <kp>:presence:{u:<user>}:away}: while the user's grace period runs, when it ends (ms
 *       since epoch).
 *   <li>{@code <kp>:presence:{u:<user>}:reported}: hash gateway node id to the {@code at} (ms since
 *       epoch, that gateway's clock) of the newest report of the user applied from that node; a
 *       heartbeat of the node older than it leaves the user's count there as is (its counts were
 *       taken before that report). TTL the connection TTL, refreshed on every report.
 *   <li>{@code <kp>:presence:{u:<user>}:status-gap}: present while the user may not change status
 *       again.
 *   <li>{@code <kp>:presence:{n:<node>}:alive}: the gateway's liveness key; value the {@code at} of
 *       its last applied heartbeat (ms since epoch), TTL the node TTL.
 *   <li>{@code <kp>:presence:{n:<node>}:users}: set of users with connections on that node. It may
 *       hold a user with none there any more (a heartbeat older than their disconnect report listed
 *       them): harmless, as the user's {@code conn} hash decides and the next heartbeat drops them.
 *   <li>{@code <kp>:presence:nodes}: set of gateway nodes that reported.
 *   <li>{@code <kp>:presence:pending-offline}: sorted set of users whose grace period runs, scored by
 *       when it ends: the index that finds them when it does (their {@code away} key decides).
 *   <li>{@code <kp>:presence:sweep-lock}: which presence node sweeps in this interval.
 * </ul>
 */
public record PresenceKeys(String keyPrefix) {
  /** How many keys of a user {@link #user(String)} gives, in that order. */
  public static final int PER_USER = 5;

  public String base() {
    return keyPrefix + ":presence:";
  }

  private String ofUser(String userId) {
    return base() + "{u:" + userId + "}:";
  }

  private String ofNode(String nodeId) {
    return base() + "{n:" + nodeId + "}:";
  }

  /**
   * A user's keys as the scripts read them (PresenceLua's {@code userKeys}): conn, last-seen, state,
   * away, reported.
   */
  public List<String> user(String userId) {
    return List.of(
        connections(userId), lastSeen(userId), state(userId), away(userId), reported(userId));
  }

  /** A gateway node's keys as the scripts read them: alive, users. */
  public List<String> gateway(String nodeId) {
    return List.of(node(nodeId), nodeUsers(nodeId));
  }

  public String connections(String userId) {
    return ofUser(userId) + "conn";
  }

  public String lastSeen(String userId) {
    return ofUser(userId) + "last-seen";
  }

  public String state(String userId) {
    return ofUser(userId) + "state";
  }

  public String away(String userId) {
    return ofUser(userId) + "away";
  }

  public String reported(String userId) {
    return ofUser(userId) + "reported";
  }

  public String statusGap(String userId) {
    return ofUser(userId) + "status-gap";
  }

  public String node(String nodeId) {
    return ofNode(nodeId) + "alive";
  }

  public String nodeUsers(String nodeId) {
    return ofNode(nodeId) + "users";
  }

  public String nodes() {
    return base() + "nodes";
  }

  public String sweepLock() {
    return base() + "sweep-lock";
  }

  public String pendingOffline() {
    return base() + "pending-offline";
  }
}
