package dev.parley.gateway.conversations;

/** A member's role in a group, as the API spells it. Direct conversations have plain members only. */
public enum Role {
  OWNER("owner"),
  ADMIN("admin"),
  MEMBER("member");

  private final String wire;

  Role(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The role named {@code wire}, or null when it names none. */
  public static Role parse(String wire) {
    for (Role r : values()) {
      if (r.wire.equals(wire)) {
        return r;
      }
    }
    return null;
  }
}
