package dev.parley.contract.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSettingsUnitTests {
  @Test
  void aSingleServerByDefault() {
    RedisSettings s = RedisSettings.fromEnv(new Env(Map.of()));
    assertThat(s.cluster()).isFalse();
    assertThat(s.urls()).containsExactly("redis://127.0.0.1:6379");
  }

  @Test
  void aClusterTakesSeveralSeedNodes() {
    RedisSettings s =
        RedisSettings.fromEnv(
            new Env(
                Map.of(
                    "PARLEY_REDIS_URL", "redis://a:7000, redis://b:7001,rediss://c:7002",
                    "PARLEY_REDIS_CLUSTER", "true")));
    assertThat(s.cluster()).isTrue();
    assertThat(s.urls()).isEqualTo(List.of("redis://a:7000", "redis://b:7001", "rediss://c:7002"));
  }

  @Test
  void severalUrlsWithoutClusterModeAreRefused() {
    assertThatThrownBy(
            () ->
                RedisSettings.fromEnv(
                    new Env(Map.of("PARLEY_REDIS_URL", "redis://a:7000,redis://b:7001"))))
        .hasMessageContaining("PARLEY_REDIS_URL")
        .hasMessageContaining("PARLEY_REDIS_CLUSTER=true");
  }

  @Test
  void everySeedMustBeARedisUrl() {
    assertThatThrownBy(
            () ->
                RedisSettings.fromEnv(
                    new Env(
                        Map.of(
                            "PARLEY_REDIS_URL", "redis://a:7000,http://b",
                            "PARLEY_REDIS_CLUSTER", "true"))))
        .hasMessageContaining("redis://");
  }

  @Test
  void aKeyPrefixWithABraceIsRefused() {
    // a brace would make the prefix every key's hash tag: one slot for everything
    assertThatThrownBy(
            () -> RedisSettings.fromEnv(new Env(Map.of("PARLEY_REDIS_KEY_PREFIX", "p{x}"))))
        .hasMessageContaining("PARLEY_REDIS_KEY_PREFIX");
  }
}
