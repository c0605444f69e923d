package dev.parley.contract.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsUnitTests {
  @Test
  void aUrlsPasswordIsHiddenAndItsUserKept() {
    assertThat(Secrets.redact("nats://alice:s3cr3t@nats.internal:4222"))
        .isEqualTo("nats://alice:***@nats.internal:4222");
    assertThat(Secrets.redact("postgres://parley:pg-pass@db:5432/parley"))
        .isEqualTo("postgres://parley:***@db:5432/parley");
    assertThat(Secrets.redact("rediss://default:r3d1s@cache:6380/0"))
        .isEqualTo("rediss://default:***@cache:6380/0");
  }

  @Test
  void aLoneTokenOrPasswordInTheUserinfoIsHiddenWhole() {
    assertThat(Secrets.redact("nats://T0KEN@nats:4222")).isEqualTo("nats://***@nats:4222");
    assertThat(Secrets.redact("redis://r3d1s@cache:6379")).isEqualTo("redis://***@cache:6379");
  }

  @Test
  void everyUrlOfAListOrAMessageIsRedacted() {
    assertThat(Secrets.redact("nats://a:x@n1:4222,nats://b:y@n2:4222"))
        .isEqualTo("nats://a:***@n1:4222,nats://b:***@n2:4222");
    assertThat(Secrets.redact("cannot reach NATS at nats://a:pw@n1:4222 (Connection refused)"))
        .isEqualTo("cannot reach NATS at nats://a:***@n1:4222 (Connection refused)");
  }

  @Test
  void secretQueryParametersAreHidden() {
    assertThat(Secrets.redact("GET /ws?token=eyJhbGciOi.x.y&v=1"))
        .isEqualTo("GET /ws?token=***&v=1");
    assertThat(Secrets.redact("rediss://cache:6380?password=abc&timeout=2s"))
        .isEqualTo("rediss://cache:6380?password=***&timeout=2s");
    assertThat(Secrets.redact("/ws?ticket=q3Jx0kqk9Zg")).isEqualTo("/ws?ticket=***");
  }

  @Test
  void settingsNeverPrintTheirCredentials() {
    Env env =
        new Env(
            Map.of(
                "PARLEY_NATS_URL",
                "nats://svc:nats-pass@n1:4222",
                "PARLEY_REDIS_URL",
                "redis://default:redis-pass@cache:6379",
                "PARLEY_PG_PASSWORD",
                "pg-pass"));
    assertThat(NatsSettings.fromEnv(env).toString())
        .contains("nats://svc:***@n1:4222")
        .doesNotContain("nats-pass");
    assertThat(RedisSettings.fromEnv(env).toString())
        .contains("redis://default:***@cache:6379")
        .doesNotContain("redis-pass");
    assertThat(PostgresSettings.fromEnv(env).toString()).doesNotContain("pg-pass");
    assertThatThrownBy(
            () ->
                RedisSettings.fromEnv(new Env(Map.of("PARLEY_REDIS_URL", "http://u:redis-pass@x"))))
        .hasMessageContaining("PARLEY_REDIS_URL")
        .hasMessageNotContaining("redis-pass");
  }

  @Test
  void textWithoutCredentialsIsUnchanged() {
    assertThat(Secrets.redact("nats://127.0.0.1:4222")).isEqualTo("nats://127.0.0.1:4222");
    assertThat(Secrets.redact("mail alice@example.com about it"))
        .isEqualTo("mail alice@example.com about it");
    assertThat(Secrets.redact(null)).isNull();
  }
}
