package dev.parley.contract.presence;

import java.util.Locale;

/**
 * A user's presence as clients see it. A client sets {@code online}, {@code away} or {@code busy}
 * ({@code presence.update}); {@code offline} is the server's alone: no open connection anywhere for
 * the grace period.
 */
public enum PresenceStatus {
  ONLINE,
  AWAY,
  BUSY,
  OFFLINE;

  /** The spelling on the wire, e.g. {@code away}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a client may set this status itself. */
  public boolean settable() {
    return this != OFFLINE;
  }

  /** Reads a wire value; anything else fails with {@link IllegalArgumentException}. */
  public static PresenceStatus fromWire(String value) {
    for (PresenceStatus s : values()) {
      if (s.wire().equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "status must be one of online, away, busy, offline; got " + value);
  }

  /** A status a client may set ({@code online|away|busy}); anything else fails with {@link IllegalArgumentException}. */
  public static PresenceStatus settableFromWire(Object value) {
    if (value instanceof String s) {
      for (PresenceStatus status : values()) {
        if (status.settable() && status.wire().equals(s)) {
          return status;
        }
      }
    }
    throw new IllegalArgumentException("status must be one of online, away, busy");
  }
}
