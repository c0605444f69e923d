package dev.parley.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who opens a WebSocket: the bearer token ({@code Authorization} header, or {@code ?token=}), or
 * else a single-use ticket ({@code ?ticket=}, from {@code POST /api/v1/ws-tickets}).
 */
public final class HandshakeAuth {
  private final TokenVerifier verifier;
  private final WsTickets tickets;

  public HandshakeAuth(TokenVerifier verifier, WsTickets tickets) {
    this.verifier = verifier;
    this.tickets = tickets;
  }

  public Future<AuthenticatedUser> authenticate(HttpServerRequest req) {
    String token = BearerTokens.fromHeaderOrQuery(req);
    String ticket = req.getParam("ticket");
    return token == null && ticket != null ? tickets.redeem(ticket) : verifier.verify(token);
  }
}
