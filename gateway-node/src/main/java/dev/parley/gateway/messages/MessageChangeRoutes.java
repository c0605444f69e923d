package dev.parley.gateway.messages;

import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code PUT} and {@code DELETE /api/v1/messages/:messageId}: edit (200 with the message) and soft delete (204). */
public final class MessageChangeRoutes implements ApiRoutes {
  private final MessageChanges changes;
  private final int maxContentBytes;

  public MessageChangeRoutes(MessageChanges changes, int maxContentBytes) {
    this.changes = changes;
    this.maxContentBytes = maxContentBytes;
  }

  @Override
  public void mount(Router router) {
    router.put("/api/v1/messages/:messageId").handler(this::edit);
    router.delete("/api/v1/messages/:messageId").handler(this::delete);
  }

  private void edit(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String content = SendRequest.editContent(Responses.jsonBody(ctx), maxContentBytes);
    changes
        .edit(caller, ctx.pathParam("messageId"), content)
        .onSuccess(message -> Responses.json(ctx, 200, message.toJson()))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    changes
        .delete(caller, ctx.pathParam("messageId"))
        .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
