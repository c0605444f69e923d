package dev.parley.gateway.limits;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token bucket's shape: it holds up to {@code capacity} tokens and gains {@code refill} of them
 * every {@code period}, continuously. An action costs tokens (one, or its bytes); a user may spend
 * the whole capacity at once, then the refill rate applies.
 */
public record Rate(long capacity, long refill, Duration period) {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*/\\s*(\\S+)");

  public Rate {
    if (capacity < 1 || refill < 1 || period.toMillis() < 1) {
      throw new IllegalArgumentException(
          "a rate needs a capacity, a refill and a period of at least 1 (ms)");
    }
  }

  /** {@code capacity} tokens, refilled at the same number per {@code period} ("20 per hour"). */
  public static Rate of(long capacity, Duration period) {
    return new Rate(capacity, capacity, period);
  }

  public double tokensPerMilli() {
    return (double) refill / period.toMillis();
  }

  /** How long an emptied bucket takes to be full again: an untouched bucket may be forgotten after it. */
  public Duration refillTime() {
    return Duration.ofMillis((long) Math.ceil(capacity / tokensPerMilli()));
  }

  /**
   * {@code <count>/<duration>} from {@code name} (e.g. {@code 30/1m}: up to 30 at once, 30 more per
   * minute), or {@code fallback} when it is unset.
   */
  public static Rate fromEnv(Env env, String name, Rate fallback) {
    String raw = env.optional(name).orElse(null);
    if (raw == null) {
      return fallback;
    }
    Matcher m = FORM.matcher(raw);
    Duration period = m.matches() ? Env.parseDuration(m.group(2)) : null;
    long count;
    try {
      count = period == null ? 0 : Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      count = 0;
    }
    if (period == null || count < 1 || period.toMillis() < 1) {
      throw new ConfigException(
          name + "=" + raw + " is not a rate: expected <count>/<duration>, e.g. 30/1m");
    }
    return of(count, period);
  }
}
