package dev.parley.contract.wire;

/**
 * Why a gateway closes a WebSocket: the close code a client sees, its reason text, and whether and
 * when the client should reconnect. The only place the codes are spelled: the gateway closes with
 * these, never a number. The public contract lists each for client authors (docs/asyncapi.yaml and
 * docs/api.md, kept equal to this by {@code CloseReasonUnitTests}); a client decides on the code,
 * the reason text is for people.
 */
public enum CloseReason {
  /** The node is shutting down (drain): reconnect, through the load balancer, to another node. */
  GOING_AWAY(1001, "server shutting down", Reconnect.AFTER_JITTER),
  /** A text message that is not valid UTF-8 (RFC 6455 fails the connection rather than guess). */
  INVALID_PAYLOAD(1007, "text frames must be valid UTF-8", Reconnect.AFTER_FIX),
  /** The connection broke a rule of the contract that retrying cannot fix. */
  POLICY_VIOLATION(1008, "policy violation", Reconnect.NO),
  /** A message (counted over all its frames, as it arrives on the wire) was over the limit. */
  MESSAGE_TOO_BIG(1009, "message too big", Reconnect.AFTER_FIX),
  /** Nothing heard from the client (no frame, ping or pong) within the idle timeout. */
  IDLE(4000, "no frame, ping or pong within the idle timeout", Reconnect.AT_ONCE),
  /** The client did not read its frames fast enough and too many bytes waited for it. */
  SLOW_CONSUMER(4008, "slow consumer", Reconnect.AFTER_JITTER);

  /** What a client should do after the close. */
  public enum Reconnect {
    /** At once, resuming from the last {@code seq} seen. */
    AT_ONCE,
    /** After a short random delay (a few seconds), so that clients do not all come back together. */
    AFTER_JITTER,
    /** Only once the client stopped doing what caused it (e.g. sends smaller messages). */
    AFTER_FIX,
    /** Not without a change on the client's side. */
    NO
  }

  private final short code;
  private final String reason;
  private final Reconnect reconnect;

  CloseReason(int code, String reason, Reconnect reconnect) {
    this.code = (short) code;
    this.reason = reason;
    this.reconnect = reconnect;
  }

  public short code() {
    return code;
  }

  /** The close frame's reason text (well under the 123 bytes a close frame allows). */
  public String reason() {
    return reason;
  }

  public Reconnect reconnect() {
    return reconnect;
  }
}
