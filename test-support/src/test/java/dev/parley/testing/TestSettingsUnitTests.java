package dev.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestSettingsUnitTests {

  @Test
  void defaultsAreTheLocalServices() {
    TestSettings s = TestSettings.fromEnv(new Env(Map.of()));

    assertThat(s)
        .isEqualTo(
            new TestSettings(
                "127.0.0.1",
                5432,
                "postgres",
                "",
                "nats://127.0.0.1:4222",
                "redis://127.0.0.1:6379"));
  }

  @Test
  void environmentOverridesEachService() {
    TestSettings s =
        TestSettings.fromEnv(
            new Env(
                Map.of(
                    "PARLEY_TEST_PG_HOST",
                    "db",
                    "PARLEY_TEST_PG_PORT",
                    "6543",
                    "PARLEY_TEST_PG_USER",
                    "ci",
                    "PARLEY_TEST_PG_PASSWORD",
                    "pw",
                    "PARLEY_TEST_NATS_URL",
                    "nats://n:1",
                    "PARLEY_TEST_REDIS_URL",
                    "redis://r:2")));

    assertThat(s).isEqualTo(new TestSettings("db", 6543, "ci", "pw", "nats://n:1", "redis://r:2"));
  }

  @Test
  void badPortNamesTheVariable() {
    assertThatThrownBy(() -> TestSettings.fromEnv(new Env(Map.of("PARLEY_TEST_PG_PORT", "x"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_TEST_PG_PORT");
  }

  @Test
  void closedPortIsNotReachable() {
    assertThat(TestServices.reachable("127.0.0.1", 1)).isFalse();
  }
}
