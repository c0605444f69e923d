package dev.parley.system;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * What the nodes running in this JVM log under one logger, while the watch is open: for a test that
 * must know the moment a node took a decision no client can see yet (a connection it cut while the
 * client was not reading, so the close frame still waits behind everything queued before it).
 */
final class LogWatch implements AutoCloseable {
  private final Logger logger;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          lines.add(event.getFormattedMessage());
        }
      };

  LogWatch(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  /** Whether a line logged since the watch opened contains {@code text}. */
  boolean contains(String text) {
    return lines.stream().anyMatch(l -> l.contains(text));
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
