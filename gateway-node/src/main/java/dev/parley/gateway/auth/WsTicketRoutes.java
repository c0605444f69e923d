package dev.parley.gateway.auth;

import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/ws-tickets} (bearer token) → 201 {@code {"ticket","expires_in"}}: a browser
 * then opens {@code /ws?ticket=…} on any gateway, and its long-lived token never enters a URL.
 */
public final class WsTicketRoutes implements ApiRoutes {
  private final WsTickets tickets;

  public WsTicketRoutes(WsTickets tickets) {
    this.tickets = tickets;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/v1/ws-tickets").handler(this::issue);
  }

  private void issue(RoutingContext ctx) {
    tickets
        .issue(Callers.user(ctx))
        .onSuccess(
            ticket ->
                Responses.json(
                    ctx,
                    201,
                    new JsonObject()
                        .put("ticket", ticket)
                        .put("expires_in", tickets.ttl().toSeconds())))
        .onFailure(ctx::fail);
  }
}
