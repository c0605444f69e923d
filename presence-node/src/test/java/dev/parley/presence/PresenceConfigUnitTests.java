package dev.parley.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresenceConfigUnitTests {

  @Test
  void defaultsSuitLocalDevelopment() {
    PresenceConfig config = PresenceConfig.fromEnv(new Env(Map.of()));

    assertThat(config.httpHost()).isEqualTo("0.0.0.0");
    assertThat(config.httpPort()).isEqualTo(8091);
    assertThat(config.nodeTtl()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.connectionTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.sweepInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.redisTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.offlineGrace()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.graceCheckInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.statusMinInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.stateTtl()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.nodeId()).startsWith("presence-");
    assertThat(config.redis().keyPrefix()).isEqualTo("parley");
    assertThat(config.nats().subjects().presenceReports())
        .isEqualTo("chat.internal.presence.report");
  }

  @Test
  void readsEveryPresenceVariable() {
    PresenceConfig config =
        PresenceConfig.fromEnv(
            new Env(
                Map.of(
                    "PARLEY_NODE_ID", "presence-a",
                    "PARLEY_HTTP_HOST", "127.0.0.1",
                    "PARLEY_HTTP_PORT", "0",
                    "PARLEY_PRESENCE_NODE_TTL", "1s",
                    "PARLEY_PRESENCE_SWEEP_INTERVAL", "200ms",
                    "PARLEY_REDIS_TIMEOUT", "500ms",
                    "PARLEY_PRESENCE_OFFLINE_GRACE", "1s",
                    "PARLEY_PRESENCE_STATUS_MIN_INTERVAL", "0ms",
                    "PARLEY_REDIS_KEY_PREFIX", "other")));

    assertThat(config.nodeId()).isEqualTo("presence-a");
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isZero();
    assertThat(config.nodeTtl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.connectionTtl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.sweepInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.redisTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.redis().keyPrefix()).isEqualTo("other");
    assertThat(config.offlineGrace()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.graceCheckInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.statusMinInterval()).isZero();
  }

  @Test
  void theFormerPresenceNamesAreStillReadAndTheCurrentNamesWin() {
    Env env =
        new Env(
            Map.of(
                "PARLEY_PRESENCE_NODE_ID", "presence-old",
                "PARLEY_PRESENCE_HTTP_HOST", "127.0.0.1",
                "PARLEY_PRESENCE_HTTP_PORT", "9091",
                "PARLEY_HTTP_PORT", "0"));
    PresenceConfig config = PresenceConfig.fromEnv(env);

    assertThat(config.nodeId()).isEqualTo("presence-old");
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isZero();
    assertThat(env.warnings())
        .hasSize(3)
        .anySatisfy(
            w -> assertThat(w).contains("PARLEY_PRESENCE_NODE_ID").contains("set PARLEY_NODE_ID"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("PARLEY_PRESENCE_HTTP_HOST")
                    .contains("set PARLEY_HTTP_HOST"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("PARLEY_PRESENCE_HTTP_PORT")
                    .contains("PARLEY_HTTP_PORT, which is set too and wins"));
  }

  @Test
  void eachBadValueIsReportedWithItsVariableName() {
    assertRejected("PARLEY_HTTP_PORT", "http");
    assertRejected("PARLEY_HTTP_PORT", "70000");
    assertRejected("PARLEY_PRESENCE_NODE_TTL", "fifteen");
    assertRejected("PARLEY_PRESENCE_NODE_TTL", "0s");
    assertRejected("PARLEY_PRESENCE_SWEEP_INTERVAL", "0ms");
    assertRejected("PARLEY_REDIS_TIMEOUT", "2 seconds");
    assertRejected("PARLEY_REDIS_TIMEOUT", "0s");
    assertRejected("PARLEY_NODE_ID", "has spaces");
    assertRejected("PARLEY_PRESENCE_OFFLINE_GRACE", "0s");
    assertRejected("PARLEY_PRESENCE_STATUS_MIN_INTERVAL", "soon");
    assertRejected("PARLEY_REDIS_URL", "http://localhost:6379");
    assertRejected("PARLEY_SUBJECT_PREFIX", "chat.*");
  }

  private static void assertRejected(String variable, String value) {
    assertThatThrownBy(() -> PresenceConfig.fromEnv(new Env(Map.of(variable, value))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(variable);
  }
}
