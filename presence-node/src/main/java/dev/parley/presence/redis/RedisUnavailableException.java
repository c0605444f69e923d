package dev.parley.presence.redis;

/** Redis could not be reached (not connected yet, or the connection is down). */
public final class RedisUnavailableException extends RuntimeException {
  public RedisUnavailableException(String message) {
    super(message, null, false, false);
  }
}
