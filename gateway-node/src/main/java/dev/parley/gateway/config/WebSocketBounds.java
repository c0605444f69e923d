package dev.parley.gateway.config;

import dev.parley.contract.config.Env;

/**
 * What one client may hold of a gateway, beyond the frame and write-queue sizes of {@link GatewayConfig.Limits}.
 *
 * @param maxConnectionsPerUser open WebSockets per user on one node; the next handshake is refused with 429
 * @param maxInFlight frames of one connection being handled and not yet answered; past it the
 *     connection is not read until answers go out
 */
public record WebSocketBounds(int maxConnectionsPerUser, int maxInFlight) {
  static WebSocketBounds fromEnv(Env env) {
    return new WebSocketBounds(
        env.integer("PARLEY_WS_MAX_CONNECTIONS_PER_USER", 16, 1, 10_000),
        env.integer("PARLEY_WS_MAX_IN_FLIGHT", 32, 1, 10_000));
  }
}
