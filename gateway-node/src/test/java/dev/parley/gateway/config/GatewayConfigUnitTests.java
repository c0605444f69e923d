package dev.parley.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.Rate;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigUnitTests {
  private static final String REAL_SECRET = "x".repeat(40);

  /** The dev profile, as make run and the tests ask for it, plus {@code vars}. */
  private static Env dev(Map<String, String> vars) {
    Map<String, String> all = new HashMap<>(vars);
    all.putIfAbsent("PARLEY_PROFILE", "dev");
    return new Env(all);
  }

  @Test
  void theDevProfileHasTheDevSecretAndDevTokens() {
    GatewayConfig c = GatewayConfig.fromEnv(dev(Map.of()));
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
    GatewayConfig defaults = GatewayConfig.fromEnv(dev(Map.of()));
    assertThat(defaults.files().maxUploadBytes()).isEqualTo(25 * 1024 * 1024);
    assertThat(
            defaults.files().directory().isAbsolute()
                && defaults.files().directory().endsWith(Path.of("data", "files")))
        .isTrue();
    assertThat(defaults.searchPoolSize()).isEqualTo(2);

    GatewayConfig set =
        GatewayConfig.fromEnv(
            dev(
                Map.of(
                    "PARLEY_FILES_DIR",
                    "/srv/parley/files",
                    "PARLEY_MAX_UPLOAD_BYTES",
                    "1024",
                    "PARLEY_SEARCH_POOL_SIZE",
                    "4")));
    assertThat(set.files().directory()).isEqualTo(Path.of("/srv/parley/files"));
    assertThat(set.files().maxUploadBytes()).isEqualTo(1024);
    assertThat(set.searchPoolSize()).isEqualTo(4);
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_MAX_UPLOAD_BYTES", "0"))))
        .hasMessageContaining("PARLEY_MAX_UPLOAD_BYTES");
  }

  @Test
  void withoutAProfileItIsProductionAndRefusesToStartWithoutASecret() {
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_JWT_SECRET is required")
        .hasMessageContaining("PARLEY_PROFILE=dev");
    GatewayConfig c = GatewayConfig.fromEnv(new Env(Map.of("PARLEY_JWT_SECRET", REAL_SECRET)));
    assertThat(c.jwt().devTokens()).isFalse();
    assertThat(c.jwt().secret()).isEqualTo(REAL_SECRET);
  }

  @Test
  void productionRefusesTheDevSecretAndDevTokens() {
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnv(new Env(Map.of("PARLEY_JWT_SECRET", JwtSettings.DEV_SECRET))))
        .hasMessageContaining("PARLEY_JWT_SECRET is the public dev secret");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnv(
                    new Env(
                        Map.of(
                            "PARLEY_PROFILE",
                            "prod",
                            "PARLEY_JWT_SECRET",
                            REAL_SECRET,
                            "PARLEY_DEV_TOKENS",
                            "true"))))
        .hasMessageContaining("PARLEY_DEV_TOKENS=true needs PARLEY_PROFILE=dev");
  }

  @Test
  void tokenLifetimeIsCappedAtADayByDefaultAndDevTokensFitUnderTheCap() {
    assertThat(GatewayConfig.fromEnv(dev(Map.of())).jwt().maxLifetime())
        .isEqualTo(Duration.ofHours(24));
    JwtSettings hour = GatewayConfig.fromEnv(dev(Map.of("PARLEY_JWT_MAX_LIFETIME", "1h"))).jwt();
    assertThat(hour.maxLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(hour.devTokenTtlSeconds()).isEqualTo(3600);
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnv(
                    dev(
                        Map.of(
                            "PARLEY_JWT_MAX_LIFETIME",
                            "1h",
                            "PARLEY_DEV_TOKEN_TTL_SECONDS",
                            "7200"))))
        .hasMessageContaining("PARLEY_DEV_TOKEN_TTL_SECONDS")
        .hasMessageContaining("PARLEY_JWT_MAX_LIFETIME");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_JWT_MAX_LIFETIME", "10s"))))
        .hasMessageContaining("PARLEY_JWT_MAX_LIFETIME");
    assertThatThrownBy(
            () -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_JWT_JWKS_REFETCH_INTERVAL", "5m"))))
        .hasMessageContaining("PARLEY_JWT_JWKS_REFETCH_INTERVAL");
  }

  @Test
  void corsOriginsAreExactOriginsAndNoneByDefault() {
    assertThat(GatewayConfig.fromEnv(dev(Map.of())).browsers().corsOrigins()).isEmpty();
    assertThat(
            GatewayConfig.fromEnv(
                    dev(
                        Map.of(
                            "PARLEY_CORS_ORIGINS",
                            " https://app.example, http://localhost:3000 ,")))
                .browsers()
                .corsOrigins())
        .containsExactly("https://app.example", "http://localhost:3000");
    for (String bad :
        new String[] {
          "*",
          "https://app.example/",
          "app.example",
          "https://*.example",
          "https://app.example/path"
        }) {
      assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_CORS_ORIGINS", bad))))
          .as(bad)
          .hasMessageContaining("PARLEY_CORS_ORIGINS");
    }
  }

  @Test
  void webSocketTicketsLastThirtySecondsByDefault() {
    assertThat(GatewayConfig.fromEnv(dev(Map.of())).browsers().wsTicketTtl())
        .isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_WS_TICKET_TTL", "1h"))))
        .hasMessageContaining("PARLEY_WS_TICKET_TTL");
  }

  @Test
  void theDatabaseIsWaitedOnForBoundedTimesOnly() {
    DatabaseLimits defaults = GatewayConfig.fromEnv(dev(Map.of())).database();
    assertThat(defaults.waitQueue()).isEqualTo(1024);
    assertThat(defaults.acquireTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.statementTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.lockedPublishTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.poolOptions(8).getMaxWaitQueueSize()).isEqualTo(1024);
    assertThat(defaults.poolOptions(8).getConnectionTimeout()).isEqualTo(2000);
    assertThat(defaults.applyTo(new PgConnectOptions()).getProperties())
        .containsEntry("statement_timeout", "5000")
        .containsEntry("lock_timeout", "2000");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_PG_LOCK_TIMEOUT", "0ms"))))
        .hasMessageContaining("PARLEY_PG_LOCK_TIMEOUT");
  }

  @Test
  void waitsOnDependenciesOnceHiddenInTheWiringAreSettings() {
    GatewayConfig defaults = GatewayConfig.fromEnv(dev(Map.of()));
    assertThat(defaults.database().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.messageLookupWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.sendFanoutWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.redis().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.readiness())
        .isEqualTo(new ReadinessSettings(Duration.ofSeconds(2), Duration.ofSeconds(2)));

    GatewayConfig set =
        GatewayConfig.fromEnv(
            dev(
                Map.of(
                    "PARLEY_PG_CONNECT_TIMEOUT", "500ms",
                    "PARLEY_MESSAGE_LOOKUP_WAIT", "3s",
                    "PARLEY_REDIS_TIMEOUT", "1s",
                    "PARLEY_READINESS_REFRESH_INTERVAL", "5s",
                    "PARLEY_READINESS_CHECK_TIMEOUT", "1s")));
    assertThat(set.database().connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(set.messageLookupWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(set.redis().timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(set.readiness())
        .isEqualTo(new ReadinessSettings(Duration.ofSeconds(5), Duration.ofSeconds(1)));
    for (String name :
        new String[] {
          "PARLEY_PG_CONNECT_TIMEOUT",
          "PARLEY_REDIS_TIMEOUT",
          "PARLEY_READINESS_REFRESH_INTERVAL",
          "PARLEY_READINESS_CHECK_TIMEOUT"
        }) {
      assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of(name, "0s"))))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(name);
    }
  }

  @Test
  void theFanoutIsBoundedAndMembershipTrustedBriefly() {
    FanoutLimits defaults = GatewayConfig.fromEnv(dev(Map.of())).fanout();
    assertThat(defaults.handoffMax()).isEqualTo(10_000);
    assertThat(defaults.heldMax()).isEqualTo(10_000);
    assertThat(defaults.membershipCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.sendLinger()).isEqualTo(Duration.ofSeconds(30));
    FanoutLimits set =
        GatewayConfig.fromEnv(
                dev(
                    Map.of(
                        "PARLEY_FANOUT_QUEUE_MAX",
                        "1",
                        "PARLEY_FANOUT_HELD_MAX",
                        "2",
                        "PARLEY_MEMBERSHIP_CACHE_TTL",
                        "250ms",
                        "PARLEY_FANOUT_SEND_LINGER",
                        "0s")))
            .fanout();
    assertThat(set).isEqualTo(new FanoutLimits(1, 2, Duration.ofMillis(250), Duration.ZERO));
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_FANOUT_QUEUE_MAX", "0"))))
        .hasMessageContaining("PARLEY_FANOUT_QUEUE_MAX");
  }

  @Test
  void productionNeedsARealSecretAndHasNoDevTokens() {
    assertThatThrownBy(() -> GatewayConfig.fromEnv(new Env(Map.of("PARLEY_PROFILE", "prod"))))
        .hasMessageContaining("PARLEY_JWT_SECRET is required");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnv(
                    new Env(Map.of("PARLEY_PROFILE", "prod", "PARLEY_JWT_SECRET", "short"))))
        .hasMessageContaining("too short");
    GatewayConfig prod =
        GatewayConfig.fromEnv(
            new Env(Map.of("PARLEY_PROFILE", "prod", "PARLEY_JWT_SECRET", "x".repeat(40))));
    assertThat(prod.jwt().devTokens()).isFalse();
  }

  @Test
  void asymmetricAlgorithmsNeedExactlyOneKeySourceAndNoDevTokens() {
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnv(
                    dev(Map.of("PARLEY_JWT_ALGORITHM", "RS256", "PARLEY_DEV_TOKENS", "false"))))
        .hasMessageContaining("PARLEY_JWT_PUBLIC_KEY")
        .hasMessageContaining("PARLEY_JWT_JWKS_URL");
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnv(
                    dev(
                        Map.of(
                            "PARLEY_JWT_ALGORITHM",
                            "RS256",
                            "PARLEY_JWT_JWKS_URL",
                            "http://idp/jwks"))))
        .hasMessageContaining("PARLEY_DEV_TOKENS=true needs PARLEY_JWT_ALGORITHM=HS256");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_JWT_ALGORITHM", "none"))))
        .hasMessageContaining("PARLEY_JWT_ALGORITHM=none");
  }

  @Test
  void sendLimitsAreConfigurableAndMustBePositive() {
    GatewayConfig c =
        GatewayConfig.fromEnv(
            dev(Map.of("PARLEY_SEND_RATE_PER_SECOND", "5", "PARLEY_SEND_BURST", "7")));
    assertThat(c.limits().sendRatePerSecond()).isEqualTo(5);
    assertThat(c.limits().sendBurst()).isEqualTo(7);
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_SEND_RATE_PER_SECOND", "0"))))
        .hasMessageContaining("PARLEY_SEND_RATE_PER_SECOND");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_SEND_BURST", "many"))))
        .hasMessageContaining("PARLEY_SEND_BURST");
  }

  @Test
  void everyCostlyActionHasADefaultLimitAndEachIsConfigurable() {
    RateLimitSettings defaults = GatewayConfig.fromEnv(dev(Map.of())).rateLimits();
    assertThat(defaults.rates()).containsOnlyKeys(LimitedAction.values());
    assertThat(defaults.rates().get(LimitedAction.SEND))
        .isEqualTo(new Rate(40, 20, Duration.ofSeconds(1)));
    assertThat(defaults.rates().get(LimitedAction.EDIT))
        .isEqualTo(Rate.of(30, Duration.ofMinutes(1)));
    assertThat(defaults.rates().get(LimitedAction.GROUP_CREATE))
        .isEqualTo(Rate.of(20, Duration.ofHours(1)));
    assertThat(defaults.rates().get(LimitedAction.UPLOAD_BYTES))
        .isEqualTo(Rate.of(500L * 1024 * 1024, Duration.ofHours(1)));
    assertThat(defaults.maxDistinctReactions()).isEqualTo(20);
    assertThat(defaults.redisTimeout()).isEqualTo(Duration.ofMillis(250));

    RateLimitSettings set =
        GatewayConfig.fromEnv(
                dev(
                    Map.of(
                        "PARLEY_READ_LIMIT",
                        "5/10s",
                        "PARLEY_UPLOAD_BYTES_PER_HOUR",
                        "5000000000",
                        "PARLEY_MAX_DISTINCT_REACTIONS",
                        "3")))
            .rateLimits();
    assertThat(set.rates().get(LimitedAction.READ)).isEqualTo(Rate.of(5, Duration.ofSeconds(10)));
    assertThat(set.rates().get(LimitedAction.UPLOAD_BYTES).capacity()).isEqualTo(5_000_000_000L);
    assertThat(set.maxDistinctReactions()).isEqualTo(3);

    for (String bad : new String[] {"5", "0/1m", "5/soon", "x/1m", "5/0s"}) {
      assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_TYPING_LIMIT", bad))))
          .as(bad)
          .hasMessageContaining("PARLEY_TYPING_LIMIT");
    }
    assertThatThrownBy(
            () -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_UPLOAD_BYTES_PER_HOUR", "1000"))))
        .as("less than one upload's limit")
        .hasMessageContaining("PARLEY_MAX_UPLOAD_BYTES");
  }

  @Test
  void filesHaveAQuotaAndASweep() {
    FileSettings defaults = GatewayConfig.fromEnv(dev(Map.of())).files();
    assertThat(defaults.quotaBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(defaults.sweepAge()).isEqualTo(Duration.ofHours(24));
    assertThat(defaults.sweepInterval()).isEqualTo(Duration.ofHours(1));
    FileSettings set =
        GatewayConfig.fromEnv(
                dev(
                    Map.of(
                        "PARLEY_FILES_QUOTA_BYTES",
                        "10000000000",
                        "PARLEY_FILES_SWEEP_AGE",
                        "7d",
                        "PARLEY_FILES_SWEEP_INTERVAL",
                        "10m")))
            .files();
    assertThat(set.quotaBytes()).isEqualTo(10_000_000_000L);
    assertThat(set.sweepAge()).isEqualTo(Duration.ofDays(7));
    assertThat(set.sweepInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_FILES_SWEEP_AGE", "0s"))))
        .hasMessageContaining("PARLEY_FILES_SWEEP_AGE");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_FILES_QUOTA_BYTES", "0"))))
        .hasMessageContaining("PARLEY_FILES_QUOTA_BYTES");
  }

  @Test
  void idleTimeoutMustOutlastThePingInterval() {
    assertThatThrownBy(
            () ->
                GatewayConfig.fromEnv(
                    dev(Map.of("PARLEY_WS_PING_INTERVAL", "30s", "PARLEY_WS_IDLE_TIMEOUT", "20s"))))
        .hasMessageContaining("PARLEY_WS_IDLE_TIMEOUT");
  }

  @Test
  void typingAndPresenceTimersHaveTheContractsDefaultsAndARenewalComesBeforeTheLapse() {
    GatewayConfig.Ephemeral defaults = GatewayConfig.fromEnv(dev(Map.of())).ephemeral();
    assertThat(defaults.typingLapse()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.typingRenewInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.presenceRequestTimeout()).isEqualTo(Duration.ofSeconds(2));

    GatewayConfig.Ephemeral set =
        GatewayConfig.fromEnv(
                dev(
                    Map.of(
                        "PARLEY_TYPING_LAPSE",
                        "2s",
                        "PARLEY_TYPING_RENEW_INTERVAL",
                        "500ms",
                        "PARLEY_PRESENCE_REQUEST_TIMEOUT",
                        "1s",
                        "PARLEY_PRESENCE_FANOUT_MAX_MEMBERS",
                        "50")))
            .ephemeral();
    assertThat(set)
        .isEqualTo(
            new GatewayConfig.Ephemeral(
                Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1), 50));
    assertThat(defaults.presenceFanoutMaxMembers()).isEqualTo(1_000);
    assertThatThrownBy(
            () -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_PRESENCE_FANOUT_MAX_MEMBERS", "1"))))
        .hasMessageContaining("PARLEY_PRESENCE_FANOUT_MAX_MEMBERS");

    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_TYPING_LAPSE", "2s"))))
        .hasMessageContaining("PARLEY_TYPING_RENEW_INTERVAL")
        .hasMessageContaining("PARLEY_TYPING_LAPSE");
    assertThatThrownBy(
            () -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_PRESENCE_REQUEST_TIMEOUT", "0s"))))
        .hasMessageContaining("PARLEY_PRESENCE_REQUEST_TIMEOUT");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_TYPING_LAPSE", "soon"))))
        .hasMessageContaining("PARLEY_TYPING_LAPSE");
  }

  @Test
  void theSecretNeverShowsInTheSettingsDescription() {
    assertThat(
            GatewayConfig.fromEnv(dev(Map.of("PARLEY_JWT_SECRET", "do-not-print-me")))
                .jwt()
                .toString())
        .doesNotContain("do-not-print-me");
  }

  @Test
  void webSocketBoundsAndTheDrainHaveSecureDefaultsAndAreChecked() {
    GatewayConfig defaults = GatewayConfig.fromEnv(dev(Map.of()));
    assertThat(defaults.wsBounds().maxConnectionsPerUser()).isEqualTo(16);
    assertThat(defaults.wsBounds().maxInFlight()).isEqualTo(32);
    assertThat(defaults.drain().delay().toSeconds()).isEqualTo(5);
    assertThat(defaults.drain().closeSpread().toSeconds()).isEqualTo(5);
    assertThat(defaults.drain().timeout().toSeconds()).isEqualTo(25);
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_WS_MAX_IN_FLIGHT", "0"))))
        .hasMessageContaining("PARLEY_WS_MAX_IN_FLIGHT");
    assertThatThrownBy(() -> GatewayConfig.fromEnv(dev(Map.of("PARLEY_DRAIN_TIMEOUT", "10s"))))
        .as("the timeout must leave room for the delay, the spread and the last answers")
        .hasMessageContaining("PARLEY_DRAIN_TIMEOUT");
  }
}
