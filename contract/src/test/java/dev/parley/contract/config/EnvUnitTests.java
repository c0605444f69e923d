package dev.parley.contract.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvUnitTests {
  @Test
  void durationsReadInEveryUnit() {
    Env env = new Env(Map.of("A", "250ms", "B", "25s", "C", "2m", "D", "1h", "E", "7d"));
    assertThat(env.duration("A", null)).isEqualTo(Duration.ofMillis(250));
    assertThat(env.duration("B", null)).isEqualTo(Duration.ofSeconds(25));
    assertThat(env.duration("C", null)).isEqualTo(Duration.ofMinutes(2));
    assertThat(env.duration("D", null)).isEqualTo(Duration.ofHours(1));
    assertThat(env.duration("E", null)).isEqualTo(Duration.ofDays(7));
    assertThat(env.duration("MISSING", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void malformedValuesNameTheVariableAndTheExpectedForm() {
    Env env =
        new Env(
            Map.of("PARLEY_X", "soon", "PARLEY_N", "12a", "PARLEY_B", "maybe", "PARLEY_R", "99"));
    assertThatThrownBy(() -> env.duration("PARLEY_X", null))
        .hasMessageContaining("PARLEY_X=soon")
        .hasMessageContaining("25s");
    assertThatThrownBy(() -> env.integer("PARLEY_N", 1, 0, 10))
        .hasMessageContaining("PARLEY_N=12a")
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> env.bool("PARLEY_B", false)).hasMessageContaining("PARLEY_B=maybe");
    assertThatThrownBy(() -> env.integer("PARLEY_R", 1, 0, 10)).hasMessageContaining("0..10");
    assertThatThrownBy(() -> env.required("PARLEY_MISSING", "the thing"))
        .hasMessageContaining("PARLEY_MISSING is required");
  }

  @Test
  void blankCountsAsUnset() {
    assertThat(new Env(Map.of("A", "  ")).string("A", "fallback")).isEqualTo("fallback");
  }

  @Test
  void natsSettingsDeriveTheStreamNameFromThePrefixAndRejectBadPrefixes() {
    assertThat(
            NatsSettings.fromEnv(new Env(Map.of("PARLEY_SUBJECT_PREFIX", "acme.chat")))
                .streamName())
        .isEqualTo("ACME_CHAT_EVENTS");
    assertThatThrownBy(
            () -> NatsSettings.fromEnv(new Env(Map.of("PARLEY_SUBJECT_PREFIX", "bad prefix"))))
        .hasMessageContaining("PARLEY_SUBJECT_PREFIX");
    assertThatThrownBy(() -> RedisSettings.fromEnv(new Env(Map.of("PARLEY_REDIS_URL", "http://x"))))
        .hasMessageContaining("PARLEY_REDIS_URL");
  }
}
