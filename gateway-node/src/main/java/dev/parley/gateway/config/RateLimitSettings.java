package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.Rate;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Per-user limits on the costly actions (README's table): a token bucket for each action, shared
 * by every gateway through Redis, and the cap on distinct emoji on one message.
 *
 * @param rates every {@link LimitedAction}'s bucket
 * @param redisTimeout how long a check may wait for Redis before this node counts on its own
 * @param maxDistinctReactions distinct emoji one message may carry (a new one past it: 409)
 */
public record RateLimitSettings(
    Map<LimitedAction, Rate> rates, Duration redisTimeout, int maxDistinctReactions) {
  public static final long DEFAULT_UPLOAD_BYTES_PER_HOUR = 500L * 1024 * 1024;

  static RateLimitSettings fromEnv(
      Env env, int sendRatePerSecond, int sendBurst, long maxUploadBytes) {
    Map<LimitedAction, Rate> rates = new EnumMap<>(LimitedAction.class);
    rates.put(LimitedAction.SEND, new Rate(sendBurst, sendRatePerSecond, Duration.ofSeconds(1)));
    rates.put(
        LimitedAction.EDIT,
        Rate.fromEnv(env, "PARLEY_EDIT_LIMIT", Rate.of(30, Duration.ofMinutes(1))));
    rates.put(
        LimitedAction.REACTION,
        Rate.fromEnv(env, "PARLEY_REACTION_LIMIT", Rate.of(60, Duration.ofMinutes(1))));
    rates.put(
        LimitedAction.READ,
        Rate.fromEnv(env, "PARLEY_READ_LIMIT", Rate.of(120, Duration.ofMinutes(1))));
    rates.put(
        LimitedAction.TYPING,
        Rate.fromEnv(env, "PARLEY_TYPING_LIMIT", Rate.of(60, Duration.ofMinutes(1))));
    rates.put(
        LimitedAction.GROUP_CREATE,
        Rate.fromEnv(env, "PARLEY_GROUP_CREATE_LIMIT", Rate.of(20, Duration.ofHours(1))));
    rates.put(
        LimitedAction.MEMBER_ADD,
        Rate.fromEnv(env, "PARLEY_MEMBER_ADD_LIMIT", Rate.of(200, Duration.ofHours(1))));
    long uploadBytes =
        env.longInteger(
            "PARLEY_UPLOAD_BYTES_PER_HOUR", DEFAULT_UPLOAD_BYTES_PER_HOUR, 1, Long.MAX_VALUE / 2);
    if (uploadBytes < maxUploadBytes) {
      // a file larger than an hour's allowance could never be uploaded, however long one waited
      throw new ConfigException(
          "PARLEY_UPLOAD_BYTES_PER_HOUR ("
              + uploadBytes
              + ") must be at least PARLEY_MAX_UPLOAD_BYTES ("
              + maxUploadBytes
              + ")");
    }
    rates.put(LimitedAction.UPLOAD_BYTES, Rate.of(uploadBytes, Duration.ofHours(1)));
    Duration timeout = env.duration("PARLEY_RATE_LIMIT_REDIS_TIMEOUT", Duration.ofMillis(250));
    if (timeout.isZero()) {
      throw new ConfigException("PARLEY_RATE_LIMIT_REDIS_TIMEOUT must be longer than zero");
    }
    return new RateLimitSettings(
        Map.copyOf(rates), timeout, env.integer("PARLEY_MAX_DISTINCT_REACTIONS", 20, 1, 1000));
  }
}
