package dev.parley.contract.stream;

/** Header names JetStream sets or honours. */
public final class StreamHeaders {
  /** De-duplication id, honoured within the stream's duplicate window. */
  public static final String MSG_ID = "Nats-Msg-Id";

  /** Set on republished entries: the entry's stream sequence. */
  public static final String SEQUENCE = "Nats-Sequence";

  /** Set on republished entries: the previous sequence stored on the same subject (0 when none). */
  public static final String LAST_SEQUENCE = "Nats-Last-Sequence";

  /**
   * Set by the relay on what it publishes to {@code <p>.conv.<id>.events}: the entry's stream
   * sequence. Integrators de-duplicate and order by it (a message's {@code data.seq} is the same).
   */
  public static final String RELAY_SEQUENCE = "Parley-Seq";

  private StreamHeaders() {}
}
