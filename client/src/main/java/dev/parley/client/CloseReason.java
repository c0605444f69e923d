package dev.parley.client;

/**
 * Why a connection ended, and what docs/asyncapi.yaml says a client should do about it. A code the
 * contract does not name is treated like a dropped connection.
 */
public enum CloseReason {
  NORMAL(1000, Reconnect.AFTER_JITTER),
  /** The gateway is draining: reconnect (any node) after a short random delay, then resume. */
  GOING_AWAY(1001, Reconnect.AFTER_JITTER),
  /** No close frame: a network failure or a protocol error. */
  DROPPED(1006, Reconnect.AFTER_JITTER),
  /** A text message that was not UTF-8: reconnect, once the frame is fixed. */
  INVALID_TEXT(1007, Reconnect.AFTER_JITTER),
  /** A rule of the contract retrying cannot fix: not without a change on the client. */
  POLICY(1008, Reconnect.NEVER),
  /** A message over the size limit: reconnect, and send smaller ones. */
  TOO_BIG(1009, Reconnect.AFTER_JITTER),
  /** Nothing heard within the idle timeout: reconnect at once. */
  IDLE(4000, Reconnect.AT_ONCE),
  /** The client read too slowly (1 MiB waited for it): after a short random delay. */
  SLOW_READER(4008, Reconnect.AFTER_JITTER);

  /** How soon to reconnect. */
  public enum Reconnect {
    AT_ONCE,
    AFTER_JITTER,
    NEVER
  }

  private final int code;
  private final Reconnect reconnect;

  CloseReason(int code, Reconnect reconnect) {
    this.code = code;
    this.reconnect = reconnect;
  }

  public int code() {
    return code;
  }

  public Reconnect reconnect() {
    return reconnect;
  }

  /** The reason of a close code; null (no close frame) and unknown codes are {@link #DROPPED}. */
  public static CloseReason of(Short code) {
    if (code != null) {
      for (CloseReason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
    }
    return DROPPED;
  }
}
