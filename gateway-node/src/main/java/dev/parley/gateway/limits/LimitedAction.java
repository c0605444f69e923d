package dev.parley.gateway.limits;

import java.util.Locale;

/** Every action a user's rate limit applies to; each has its own bucket per user. */
public enum LimitedAction {
  SEND("messages"),
  EDIT("edits"),
  REACTION("reactions"),
  READ("read receipts"),
  TYPING("typing frames"),
  GROUP_CREATE("new groups"),
  MEMBER_ADD("member additions"),
  UPLOAD_BYTES("uploaded bytes");

  private final String noun;

  LimitedAction(String noun) {
    this.noun = noun;
  }

  /** How the action shows in Redis keys and metric tags: {@code send}, {@code upload_bytes}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What a refusal says there were too many of. */
  String noun() {
    return noun;
  }
}
