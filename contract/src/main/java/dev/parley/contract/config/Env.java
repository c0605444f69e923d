package dev.parley.contract.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of {@code PARLEY_*} environment variables. Every failure names the variable and the
 * expected form, so an operator can fix it without reading code.
 */
public final class Env {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, String> values;

  public Env(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public Optional<String> optional(String name) {
    String v = values.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  public String required(String name, String what) {
    return optional(name).orElseThrow(() -> new ConfigException(name + " is required: " + what));
  }

  public int integer(String name, int fallback, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.get());
      if (v < min || v > max) {
        throw new ConfigException(
            name + "=" + raw.get() + " is out of range: expected " + min + ".." + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + "=" + raw.get() + " is not a whole number");
    }
  }

  /** As {@link #integer}, for counts past 2^31 (bytes). */
  public long longInteger(String name, long fallback, long min, long max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      long v = Long.parseLong(raw.get());
      if (v < min || v > max) {
        throw new ConfigException(
            name + "=" + raw.get() + " is out of range: expected " + min + ".." + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + "=" + raw.get() + " is not a whole number");
    }
  }

  public boolean bool(String name, boolean fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
      case "on":
        return true;
      case "false":
      case "0":
      case "no":
      case "off":
        return false;
      default:
        throw new ConfigException(
            name + "=" + raw.get() + " is not a boolean: expected true or false");
    }
  }

  /** Durations are written {@code 250ms}, {@code 25s}, {@code 2m}, {@code 1h} or {@code 7d}. */
  public Duration duration(String name, Duration fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    Duration d = parseDuration(raw.get());
    if (d == null) {
      throw new ConfigException(
          name + "=" + raw.get() + " is not a duration: expected e.g. 250ms, 25s, 2m, 1h, 7d");
    }
    return d;
  }

  /** A duration written as {@link #duration} reads it, or null when the text is not one. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofDays(n);
    }
  }

  public <E extends Enum<E>> E enumeration(String name, Class<E> type, E fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, raw.get().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E c : type.getEnumConstants()) {
        allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
      }
      throw new ConfigException(name + "=" + raw.get() + " is not one of: " + allowed);
    }
  }
}
