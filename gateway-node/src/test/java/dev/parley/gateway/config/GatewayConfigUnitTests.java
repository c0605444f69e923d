package dev.parley.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigUnitTests {
  @Test
  void localDefaultsAreTheDevProfile() {
    GatewayConfig c = GatewayConfig.fromEnv(new Env(Map.of()));
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.jwt().secret()).isEqualTo(JwtSettings.DEV_SECRET);
    assertThat(c.jwt().devTokens()).isTrue();
    assertThat(c.limits().maxContentBytes()).isEqualTo(16 * 1024);
    assertThat(c.limits().maxFrameBytes()).isEqualTo(64 * 1024);
    assertThat(c.limits().sendRatePerSecond()).isEqualTo(20);
    assertThat(c.limits().sendBurst()).isEqualTo(40);
    assertThat(c.wsPingInterval().toSeconds()).isEqualTo(25);
    assertThat(c.wsIdleTimeout().toSeconds()).isEqualTo(60);
  }

  @Test
  void uploadsAndSearchHaveTheirOwnSettings() {
    GatewayConfig defaults = GatewayConfig.fromEnv(new Env(Map.of()));
    assertThat(defaults.files().maxUploadBytes()).isEqualTo(25 * 1024 * 1024);
    assertThat(defaults.files().directory().isAbsolute() && defaults.files().directory().endsWith(java.nio.file.Path.of("data", "files"))).isTrue();
    assertThat(defaults.searchPoolSize()).isEqualTo(2);

    GatewayConfig set = GatewayConfig.fromEnv(new Env(Map.of("PARLEY_FILES_DIR", "/srv/parley/files",
        "PARLEY_MAX_UPLOAD_BYTES", "1024", "PARLEY_SEARCH_POOL_SIZE", "4")));
    assertThat(set.files().directory()).isEqualTo(java.nio.file.Path.of("/srv/parley/files"));
    assertThat(set.files().maxUploadBytes()).isEqualTo(1024);
    assertThat(set.searchPoolSize()).isEqualTo(4);
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_MAX_UPLOAD_BYTES", "0"))))
        .hasMessageContaining("PARLEY_MAX_UPLOAD_BYTES");
  }

  @Test
  void productionNeedsARealSecretAndHasNoDevTokens() {
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_PROFILE", "prod"))))
        .hasMessageContaining("PARLEY_JWT_SECRET is required");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_PROFILE", "prod", "PARLEY_JWT_SECRET", "short"))))
        .hasMessageContaining("too short");
    GatewayConfig prod = GatewayConfig.fromEnv(new Env(Map.of("PARLEY_PROFILE", "prod", "PARLEY_JWT_SECRET", "x".repeat(40))));
    assertThat(prod.jwt().devTokens()).isFalse();
  }

  @Test
  void asymmetricAlgorithmsNeedExactlyOneKeySourceAndNoDevTokens() {
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_JWT_ALGORITHM", "RS256", "PARLEY_DEV_TOKENS", "false"))))
        .hasMessageContaining("PARLEY_JWT_PUBLIC_KEY").hasMessageContaining("PARLEY_JWT_JWKS_URL");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_JWT_ALGORITHM", "RS256", "PARLEY_JWT_JWKS_URL", "http://idp/jwks"))))
        .hasMessageContaining("PARLEY_DEV_TOKENS=true needs PARLEY_JWT_ALGORITHM=HS256");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_JWT_ALGORITHM", "none"))))
        .hasMessageContaining("PARLEY_JWT_ALGORITHM=none");
  }

  @Test
  void sendLimitsAreConfigurableAndMustBePositive() {
    GatewayConfig c = GatewayConfig.fromEnv(new Env(Map.of("PARLEY_SEND_RATE_PER_SECOND", "5", "PARLEY_SEND_BURST", "7")));
    assertThat(c.limits().sendRatePerSecond()).isEqualTo(5);
    assertThat(c.limits().sendBurst()).isEqualTo(7);
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_SEND_RATE_PER_SECOND", "0"))))
        .hasMessageContaining("PARLEY_SEND_RATE_PER_SECOND");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_SEND_BURST", "many"))))
        .hasMessageContaining("PARLEY_SEND_BURST");
  }

  @Test
  void idleTimeoutMustOutlastThePingInterval() {
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_WS_PING_INTERVAL", "30s", "PARLEY_WS_IDLE_TIMEOUT", "20s"))))
        .hasMessageContaining("PARLEY_WS_IDLE_TIMEOUT");
  }

  @Test
  void typingAndPresenceTimersHaveTheContractsDefaultsAndARenewalComesBeforeTheLapse() {
    GatewayConfig.Ephemeral defaults = GatewayConfig.fromEnv(new Env(Map.of())).ephemeral();
    assertThat(defaults.typingLapse()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.typingRenewInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.presenceRequestTimeout()).isEqualTo(Duration.ofSeconds(2));

    GatewayConfig.Ephemeral set = GatewayConfig.fromEnv(new Env(Map.of(
        "PARLEY_TYPING_LAPSE", "2s", "PARLEY_TYPING_RENEW_INTERVAL", "500ms", "PARLEY_PRESENCE_REQUEST_TIMEOUT", "1s"))).ephemeral();
    assertThat(set).isEqualTo(new GatewayConfig.Ephemeral(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1)));

    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_TYPING_LAPSE", "2s"))))
        .hasMessageContaining("PARLEY_TYPING_RENEW_INTERVAL").hasMessageContaining("PARLEY_TYPING_LAPSE");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_PRESENCE_REQUEST_TIMEOUT", "0s"))))
        .hasMessageContaining("PARLEY_PRESENCE_REQUEST_TIMEOUT");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_TYPING_LAPSE", "soon"))))
        .hasMessageContaining("PARLEY_TYPING_LAPSE");
  }

  @Test
  void theSecretNeverShowsInTheSettingsDescription() {
    assertThat(GatewayConfig.fromEnv(new Env(Map.of("PARLEY_JWT_SECRET", "do-not-print-me"))).jwt().toString())
        .doesNotContain("do-not-print-me");
  }

  @Test
  void webSocketBoundsAndTheDrainHaveSecureDefaultsAndAreChecked() {
    GatewayConfig defaults = GatewayConfig.fromEnv(new Env(Map.of()));
    assertThat(defaults.wsBounds().maxConnectionsPerUser()).isEqualTo(16);
    assertThat(defaults.wsBounds().maxInFlight()).isEqualTo(32);
    assertThat(defaults.drain().delay().toSeconds()).isEqualTo(5);
    assertThat(defaults.drain().closeSpread().toSeconds()).isEqualTo(5);
    assertThat(defaults.drain().timeout().toSeconds()).isEqualTo(25);
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_WS_MAX_IN_FLIGHT", "0"))))
        .hasMessageContaining("PARLEY_WS_MAX_IN_FLIGHT");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_DRAIN_TIMEOUT", "10s"))))
        .as("the timeout must leave room for the delay, the spread and the last answers")
        .hasMessageContaining("PARLEY_DRAIN_TIMEOUT");
  }
}
