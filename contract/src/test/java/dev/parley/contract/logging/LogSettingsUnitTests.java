package dev.parley.contract.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSettingsUnitTests {
  @Test
  void defaultsAreTextAtInfoWithNoLevelsPerLogger() {
    LogSettings s = LogSettings.fromEnv(new Env(Map.of()));

    assertThat(s.format()).isEqualTo("text");
    assertThat(s.rootLevel()).isEqualTo(Level.INFO);
    assertThat(s.levels()).isEmpty();
  }

  @Test
  void levelsPerPackageAreReadAndApplied() {
    LogSettings s =
        LogSettings.fromEnv(
            new Env(
                Map.of(
                    "PARLEY_LOG_LEVELS",
                    "dev.parley.test.fanout=DEBUG, io.netty=warn,parley.access=OFF")));

    assertThat(s.levels())
        .containsEntry("dev.parley.test.fanout", Level.DEBUG)
        .containsEntry("io.netty", Level.WARN)
        .containsEntry("parley.access", Level.OFF);

    Logging.apply(s);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertThat(context.getLogger("dev.parley.test.fanout").getLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("dev.parley.test.fanout.Hub").getEffectiveLevel())
        .isEqualTo(Level.DEBUG);
  }

  @Test
  void aBadLevelOrPairIsAnErrorNamingTheVariable() {
    assertThatThrownBy(
            () -> LogSettings.fromEnv(new Env(Map.of("PARLEY_LOG_LEVELS", "io.netty=LOUD"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_LOG_LEVELS (io.netty)=LOUD");
    assertThatThrownBy(() -> LogSettings.fromEnv(new Env(Map.of("PARLEY_LOG_LEVELS", "io.netty"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("logger=LEVEL");
    assertThatThrownBy(() -> LogSettings.fromEnv(new Env(Map.of("PARLEY_LOG_FORMAT", "xml"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_LOG_FORMAT=xml");
  }
}
