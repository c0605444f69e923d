package dev.parley.contract.logging;

import ch.qos.logback.classic.Level;
import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a process logs: {@code PARLEY_LOG_FORMAT} ({@code text} or {@code json}), the root level
 * {@code PARLEY_LOG_LEVEL}, and levels per logger (a package or class) from {@code
 * PARLEY_LOG_LEVELS}, e.g. {@code dev.parley.gateway.fanout=DEBUG,io.netty=WARN,parley.access=OFF}.
 */
public record LogSettings(String format, Level rootLevel, Map<String, Level> levels) {
  private static final Pattern LOGGER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.-]*");

  public static LogSettings fromEnv(Env env) {
    String format = env.string("PARLEY_LOG_FORMAT", "text").toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("PARLEY_LOG_FORMAT=" + format + ": expected text or json");
    }
    Level root = level("PARLEY_LOG_LEVEL", env.string("PARLEY_LOG_LEVEL", "INFO"));
    Map<String, Level> levels = new LinkedHashMap<>();
    String list = env.string("PARLEY_LOG_LEVELS", "");
    for (String item : list.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      String[] parts = item.split("=", 2);
      String logger = parts[0].trim();
      if (parts.length != 2 || !LOGGER.matcher(logger).matches()) {
        throw new ConfigException(
            "PARLEY_LOG_LEVELS="
                + list
                + ": expected logger=LEVEL pairs separated by commas, e.g. dev.parley.gateway.fanout=DEBUG,io.netty=WARN");
      }
      levels.put(logger, level("PARLEY_LOG_LEVELS (" + logger + ")", parts[1].trim()));
    }
    return new LogSettings(format, root, Map.copyOf(levels));
  }

  private static Level level(String variable, String text) {
    Level level = Level.toLevel(text.toUpperCase(Locale.ROOT), null);
    if (level == null) {
      throw new ConfigException(
          variable + "=" + text + ": expected TRACE, DEBUG, INFO, WARN, ERROR or OFF");
    }
    return level;
  }
}
