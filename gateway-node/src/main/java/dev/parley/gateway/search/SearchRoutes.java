package dev.parley.gateway.search;

import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.conversations.MembershipCache;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Requests;
import dev.parley.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/search/messages?q=&conversation_id=&limit=}. */
public final class SearchRoutes implements ApiRoutes {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  private final MessageSearch search;
  private final MembershipCache membership;

  public SearchRoutes(MessageSearch search, MembershipCache membership) {
    this.search = search;
    this.membership = membership;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/search/messages").handler(this::search);
  }

  private void search(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    SearchQuery query = SearchQuery.parse(ctx.request().getParam("q"));
    int limit = Requests.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    String scope = Requests.optionalConversationId(ctx, "conversation_id");
    // the SQL keeps to the caller's conversations anyway; asking about one you are not in is a 404
    Future<?> allowed =
        scope == null ? Future.succeededFuture() : membership.requireMember(scope, caller.userId());
    allowed
        .compose(v -> search.search(query, caller.userId(), scope, limit))
        .onSuccess(items -> Responses.json(ctx, 200, new JsonObject().put("items", items)))
        .onFailure(ctx::fail);
  }
}
