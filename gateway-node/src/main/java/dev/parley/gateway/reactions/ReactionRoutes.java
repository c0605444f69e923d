package dev.parley.gateway.reactions;

import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/messages/:messageId/reactions} {@code {"emoji"}}: 201 with the message the
 * first time, 200 with it when the caller had that reaction already.
 * {@code DELETE /api/v1/messages/:messageId/reactions/:emoji} (emoji URL-encoded): 204.
 */
public final class ReactionRoutes implements ApiRoutes {
  private final Reactions reactions;

  public ReactionRoutes(Reactions reactions) {
    this.reactions = reactions;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/v1/messages/:messageId/reactions").handler(this::add);
    router.delete("/api/v1/messages/:messageId/reactions/:emoji").handler(this::remove);
  }

  private void add(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String emoji = Emoji.parse(Responses.jsonBody(ctx).getValue("emoji"));
    reactions
        .add(caller, ctx.pathParam("messageId"), emoji)
        .onSuccess(
            added -> Responses.json(ctx, added.created() ? 201 : 200, added.message().toJson()))
        .onFailure(ctx::fail);
  }

  private void remove(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    // Vert.x Web hands path parameters over URL-decoded
    String emoji = Emoji.parse(ctx.pathParam("emoji"));
    reactions
        .remove(caller, ctx.pathParam("messageId"), emoji)
        .onSuccess(removed -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
