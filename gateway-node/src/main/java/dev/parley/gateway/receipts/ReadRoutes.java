package dev.parley.gateway.receipts;

import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.http.ApiRoutes;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /api/v1/messages/:messageId/read}: 204, whether or not the read position moved. */
public final class ReadRoutes implements ApiRoutes {
  private final ReadReceipts receipts;

  public ReadRoutes(ReadReceipts receipts) {
    this.receipts = receipts;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/v1/messages/:messageId/read").handler(this::read);
  }

  private void read(RoutingContext ctx) {
    receipts
        .read(Callers.user(ctx), ctx.pathParam("messageId"), null)
        .onSuccess(moved -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
