package dev.parley.contract.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link LogSettings} to logback once the settings are read. logback configures itself
 * from logback.xml, the environment and system properties before {@code main} runs; the settings
 * may also come from {@code PARLEY_CONFIG_FILE}, so the format and root level are handed to
 * logback.xml again (as system properties, which it reads before the environment: the settings
 * already let the environment win) and the per-logger levels are set on top.
 */
public final class Logging {
  private Logging() {}

  public static void apply(LogSettings settings) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return; // another SLF4J binding (a test harness): nothing of ours to configure
    }
    if (formatOrLevelChanged(context, settings)) {
      reconfigure(context, settings);
    }
    for (Map.Entry<String, ch.qos.logback.classic.Level> level : settings.levels().entrySet()) {
      context.getLogger(level.getKey()).setLevel(level.getValue());
    }
  }

  private static boolean formatOrLevelChanged(LoggerContext context, LogSettings settings) {
    String format = System.getenv().getOrDefault("PARLEY_LOG_FORMAT", "text");
    return !settings.format().equalsIgnoreCase(format.isBlank() ? "text" : format)
        || !settings
            .rootLevel()
            .equals(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
  }

  private static void reconfigure(LoggerContext context, LogSettings settings) {
    URL xml = Logging.class.getResource("/logback.xml");
    if (xml == null) {
      return;
    }
    System.setProperty("PARLEY_LOG_FORMAT", settings.format());
    System.setProperty("PARLEY_LOG_LEVEL", settings.rootLevel().toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    context.reset();
    try {
      configurator.doConfigure(xml);
    } catch (JoranException e) {
      throw new IllegalStateException(
          "logback.xml could not be applied again: " + e.getMessage(), e);
    }
  }
}
