package dev.parley.contract.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
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

  @Test
  void aFormerNameStandsInForItsCurrentNameWithOneWarningNamingTheReplacement() {
    Env env =
        new Env(Map.of("PARLEY_OLD_PORT", "9000"))
            .withFormerNames(Map.of("PARLEY_OLD_PORT", "PARLEY_PORT"));
    assertThat(env.integer("PARLEY_PORT", 1, 0, 65535)).isEqualTo(9000);
    assertThat(env.optional("PARLEY_OLD_PORT")).isEmpty();
    assertThat(env.warnings())
        .singleElement()
        .asString()
        .contains("PARLEY_OLD_PORT")
        .contains("set PARLEY_PORT instead");
  }

  @Test
  void theCurrentNameWinsOverAFormerOneAndTheFormerIsStillWarnedAbout() {
    Env env =
        new Env(Map.of("PARLEY_OLD_PORT", "9000", "PARLEY_PORT", "8000"))
            .withFormerNames(Map.of("PARLEY_OLD_PORT", "PARLEY_PORT"));
    assertThat(env.integer("PARLEY_PORT", 1, 0, 65535)).isEqualTo(8000);
    assertThat(env.warnings())
        .singleElement()
        .asString()
        .contains("PARLEY_OLD_PORT")
        .contains("PARLEY_PORT, which is set too and wins");
  }

  @Test
  void unsetFormerNamesWarnAboutNothing() {
    Env env =
        new Env(Map.of("PARLEY_PORT", "8000"))
            .withFormerNames(Map.of("PARLEY_OLD_PORT", "PARLEY_PORT"));
    assertThat(env.warnings()).isEmpty();
    assertThat(env.formerNames()).containsEntry("PARLEY_OLD_PORT", "PARLEY_PORT");
  }

  @Test
  void everyNameReadIsRecordedWithTheDefaultItOffered() {
    Env base = new Env(Map.of("PARLEY_A", "5"));
    Env env = base.withFormerNames(Map.of());
    env.integer("PARLEY_A", 3, 0, 10);
    env.duration("PARLEY_B", Duration.ofSeconds(2));
    env.optional("PARLEY_C");
    env.string("PARLEY_D", "x");
    env.optional("PARLEY_D");
    assertThat(base.settingsRead())
        .containsExactly(
            Map.entry("PARLEY_A", 3),
            Map.entry("PARLEY_B", Duration.ofSeconds(2)),
            new SimpleEntry<>("PARLEY_C", null),
            Map.entry("PARLEY_D", "x"));
  }
}
