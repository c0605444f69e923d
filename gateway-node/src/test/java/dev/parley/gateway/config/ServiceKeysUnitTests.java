package dev.parley.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceKeysUnitTests {
  private static final String SECRET_A = "a".repeat(16) + "0123456789abcdef";
  private static final String SECRET_B = "b".repeat(40);

  @Test
  void aKeyNamesItsBotAndNothingElseMatches() {
    ServiceKeys keys = ServiceKeys.parse("weather-bot=" + SECRET_A + ", deploy.bot=" + SECRET_B);

    assertThat(keys.botFor(SECRET_A)).contains("weather-bot");
    assertThat(keys.botFor(SECRET_B)).contains("deploy.bot");
    assertThat(keys.botFor(SECRET_A + "x")).isEmpty();
    assertThat(keys.botFor("")).isEmpty();
    assertThat(keys.botFor(null)).isEmpty();
  }

  @Test
  void aSecretMayBeGivenAsItsSha256SoThePlainSecretNeedNotBeConfigured() {
    String digest = HexFormat.of().formatHex(ServiceKeys.sha256(SECRET_B));
    ServiceKeys keys = ServiceKeys.parse("bot=sha256:" + digest.toUpperCase());

    assertThat(keys.botFor(SECRET_B)).contains("bot");
    assertThat(keys.botFor("sha256:" + digest)).as("the digest itself is not a key").isEmpty();
  }

  @Test
  void aBotMayHaveTwoKeysWhileOneIsRotatedOut() {
    ServiceKeys keys = ServiceKeys.parse("bot=" + SECRET_A + ",bot=" + SECRET_B);
    assertThat(keys.botFor(SECRET_A)).contains("bot");
    assertThat(keys.botFor(SECRET_B)).contains("bot");
  }

  @Test
  void badEntriesNameTheVariableAndNeverTheSecret() {
    assertThatThrownBy(() -> ServiceKeys.parse("bot=short-secret"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_SERVICE_KEYS")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> ServiceKeys.parse("no-equals-sign"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("botid=secret");
    assertThatThrownBy(() -> ServiceKeys.parse("bad id=" + SECRET_A))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bad id")
        .hasMessageNotContaining(SECRET_A);
    assertThatThrownBy(() -> ServiceKeys.parse("bot=sha256:1234"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("64 hex");
    assertThatThrownBy(() -> ServiceKeys.parse("one=" + SECRET_A + ",two=" + SECRET_A))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("share a secret")
        .hasMessageNotContaining(SECRET_A);
  }

  @Test
  void theConfigReadsThemAndPrintsOnlyBotIds() {
    GatewayConfig none = GatewayConfig.fromEnv(new Env(Map.of("PARLEY_PROFILE", "dev")));
    assertThat(none.serviceKeys().isEmpty()).isTrue();

    GatewayConfig c =
        GatewayConfig.fromEnv(
            new Env(Map.of("PARLEY_PROFILE", "dev", "PARLEY_SERVICE_KEYS", "bot=" + SECRET_A)));
    assertThat(c.serviceKeys().botFor(SECRET_A)).contains("bot");
    assertThat(c.serviceKeys().toString()).contains("bot").doesNotContain(SECRET_A);
    assertThat(c.toString()).doesNotContain(SECRET_A);
  }
}
