package dev.parley.system.load;

/**
 * A connection of a client that ended: on which gateway, with which close code (1006 when the
 * connection dropped without a close frame), and when ({@link System#nanoTime()}).
 */
public record ConnectionEnd(int gateway, short code, long atNanos) {
  public static final short ABNORMAL = 1006;
}
