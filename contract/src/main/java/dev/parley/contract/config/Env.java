package dev.parley.contract.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed reads of {@code PARLEY_*} environment variables. Every failure names the variable and the
 * expected form, so an operator can fix it without reading code.
 *
 * <p>An Env also remembers every name it was asked for and the default it offered ({@link
 * #settingsRead()}), and every former name it accepts ({@link #formerNames()}): the configuration
 * table (docs/configuration.md) is checked against these, so it cannot drift from the code.
 */
public final class Env {
  private static final Logger log = LoggerFactory.getLogger(Env.class);
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, String> values;
  private final Registry registry;

  public Env(Map<String, String> values) {
    this(values, new Registry());
  }

  private Env(Map<String, String> values, Registry registry) {
    this.values = Map.copyOf(values);
    this.registry = registry;
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /**
   * This environment over {@code lower}: a name set here wins, a name set only in {@code lower}
   * (e.g. a configuration file) is read from there. Reads are remembered as by this Env.
   */
  public Env over(Map<String, String> lower) {
    Map<String, String> merged = new HashMap<>(lower);
    values.forEach(
        (name, value) -> {
          if (!value.isBlank()) {
            merged.put(name, value);
          }
        });
    return new Env(merged, registry);
  }

  /**
   * This environment with settings renamed: each key of {@code currentByFormerName} is a former
   * name, still read for operators who set it, standing in for its current name (the value). The
   * current name wins when both are set. Each former name that is set is logged once, at WARN,
   * naming its replacement; the returned Env no longer holds it.
   */
  public Env withFormerNames(Map<String, String> currentByFormerName) {
    Map<String, String> renamed = new HashMap<>(values);
    currentByFormerName.forEach(
        (former, current) -> {
          registry.formerName(former, current);
          String value = renamed.remove(former);
          if (value == null || value.isBlank()) {
            return;
          }
          String warning;
          if (raw(current).isPresent()) {
            warning =
                former
                    + " is a former name of "
                    + current
                    + ", which is set too and wins: remove "
                    + former;
          } else {
            warning =
                former
                    + " is a former name: set "
                    + current
                    + " instead (read as "
                    + current
                    + " for now)";
            renamed.put(current, value);
          }
          log.warn(warning);
          registry.warning(warning);
        });
    return new Env(renamed, registry);
  }

  /**
   * Every name read so far through this Env (and those derived from it), in order, with the
   * default it fell back to when unset: a String, Integer, Long, Boolean, Duration or enum constant;
   * null when it has none (optional, required, or a default worked out from other settings).
   */
  public Map<String, Object> settingsRead() {
    return registry.reads();
  }

  /** The warnings {@link #withFormerNames} logged, one per former name that was set. */
  public List<String> warnings() {
    return registry.warnings();
  }

  /** Every former name accepted so far by {@link #withFormerNames}, with its current name. */
  public Map<String, String> formerNames() {
    return registry.formerNames();
  }

  public Optional<String> optional(String name) {
    registry.read(name, null);
    return raw(name);
  }

  private Optional<String> raw(String name) {
    String v = values.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public String string(String name, String fallback) {
    registry.read(name, fallback);
    return raw(name).orElse(fallback);
  }

  public String required(String name, String what) {
    return optional(name).orElseThrow(() -> new ConfigException(name + " is required: " + what));
  }

  public int integer(String name, int fallback, int min, int max) {
    registry.read(name, fallback);
    Optional<String> raw = raw(name);
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
    registry.read(name, fallback);
    Optional<String> raw = raw(name);
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
    registry.read(name, fallback);
    Optional<String> raw = raw(name);
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
    registry.read(name, fallback);
    Optional<String> raw = raw(name);
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
    registry.read(name, fallback);
    Optional<String> raw = raw(name);
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

  /** What an Env and those derived from it were asked: shared, so a derived Env adds to it. */
  private static final class Registry {
    private final Map<String, Object> reads = new LinkedHashMap<>();
    private final Map<String, String> formerNames = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    synchronized void read(String name, Object fallback) {
      if (fallback != null || !reads.containsKey(name)) {
        reads.put(name, fallback);
      }
    }

    synchronized void formerName(String former, String current) {
      formerNames.put(former, current);
    }

    synchronized void warning(String text) {
      warnings.add(text);
    }

    synchronized List<String> warnings() {
      return List.copyOf(warnings);
    }

    synchronized Map<String, Object> reads() {
      return Collections.unmodifiableMap(new LinkedHashMap<>(reads));
    }

    synchronized Map<String, String> formerNames() {
      return Collections.unmodifiableMap(new LinkedHashMap<>(formerNames));
    }
  }
}
