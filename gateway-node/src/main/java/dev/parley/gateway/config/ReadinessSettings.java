package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.time.Duration;

/**
 * How the gateway keeps {@code /ready}'s body and {@code parley_dependency_up} current: Postgres,
 * Redis and presence are checked in the background, so a load balancer's probe is answered at once.
 *
 * @param refreshInterval {@code PARLEY_READINESS_REFRESH_INTERVAL}: how often they are checked
 * @param checkTimeout {@code PARLEY_READINESS_CHECK_TIMEOUT}: how long one check of Postgres or
 *     Redis may take before that dependency is reported down
 */
public record ReadinessSettings(Duration refreshInterval, Duration checkTimeout) {

  static ReadinessSettings fromEnv(Env env) {
    Duration refresh = env.duration("PARLEY_READINESS_REFRESH_INTERVAL", Duration.ofSeconds(2));
    Duration timeout = env.duration("PARLEY_READINESS_CHECK_TIMEOUT", Duration.ofSeconds(2));
    if (refresh.isZero() || timeout.isZero()) {
      throw new ConfigException(
          "PARLEY_READINESS_REFRESH_INTERVAL and PARLEY_READINESS_CHECK_TIMEOUT must be longer than zero");
    }
    return new ReadinessSettings(refresh, timeout);
  }
}
