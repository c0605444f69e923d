package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.time.Duration;

/**
 * How a gateway stops on SIGTERM (see the README's "Stopping a gateway").
 *
 * @param delay how long it stays up, answering {@code /ready} 503, before it stops accepting: long
 *     enough for load balancers to take it out of rotation
 * @param closeSpread WebSockets are closed with 1001 spread evenly over this long, so that their
 *     clients do not all reconnect at the same instant
 * @param timeout the whole stop, from SIGTERM to exit, whatever is left unfinished
 */
public record DrainSettings(Duration delay, Duration closeSpread, Duration timeout) {
  static DrainSettings fromEnv(Env env) {
    Duration delay = env.duration("PARLEY_DRAIN_DELAY", Duration.ofSeconds(5));
    Duration spread = env.duration("PARLEY_DRAIN_CLOSE_SPREAD", Duration.ofSeconds(5));
    Duration timeout = env.duration("PARLEY_DRAIN_TIMEOUT", Duration.ofSeconds(25));
    // the closes need the spread, a second to let last answers out, and a second to close the rest
    if (timeout.compareTo(delay.plus(spread).plusSeconds(3)) < 0) {
      throw new ConfigException(
          "PARLEY_DRAIN_TIMEOUT ("
              + timeout
              + ") must be at least PARLEY_DRAIN_DELAY ("
              + delay
              + ") plus PARLEY_DRAIN_CLOSE_SPREAD ("
              + spread
              + ") plus 3s");
    }
    return new DrainSettings(delay, spread, timeout);
  }
}
