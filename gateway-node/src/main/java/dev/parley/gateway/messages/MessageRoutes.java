package dev.parley.gateway.messages;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.conversations.MembershipCache;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Requests;
import dev.parley.gateway.http.Responses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/conversations/:id/messages}: send and page through history. */
public final class MessageRoutes implements ApiRoutes {
  public static final int MAX_PAGE = 100;

  private final SendService sends;
  private final HistoryReader history;
  private final MembershipCache membership;
  private final int maxContentBytes;

  public MessageRoutes(
      SendService sends, HistoryReader history, MembershipCache membership, int maxContentBytes) {
    this.sends = sends;
    this.history = history;
    this.membership = membership;
    this.maxContentBytes = maxContentBytes;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/v1/conversations/:conversationId/messages").handler(this::send);
    router.get("/api/v1/conversations/:conversationId/messages").handler(this::page);
  }

  private void send(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    SendRequest req =
        SendRequest.parse(
            ctx.pathParam("conversationId"), Responses.jsonBody(ctx), maxContentBytes);
    sends
        .send(caller, req)
        .onSuccess(sent -> Responses.json(ctx, sent.created() ? 201 : 200, sent.message().toJson()))
        .onFailure(ctx::fail);
  }

  private void page(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String conversationId = Requests.conversationId(ctx);
    int limit = Requests.intParam(ctx, "limit", 50, 1, MAX_PAGE);
    Long after = Requests.longParam(ctx, "after_seq");
    Long before = Requests.longParam(ctx, "before_seq");
    if (after != null && before != null) {
      throw ApiException.invalid("give after_seq or before_seq, not both");
    }
    // history reads Postgres anyway: check membership there too, so a removal counts at once
    membership
        .requireMemberNow(conversationId, caller.userId())
        .compose(
            v ->
                after != null
                    ? history.after(conversationId, after, limit)
                    : history.before(conversationId, before, limit))
        .onSuccess(page -> Responses.json(ctx, 200, toJson(page)))
        .onFailure(ctx::fail);
  }

  static JsonObject toJson(HistoryPage page) {
    JsonArray items = new JsonArray();
    for (ChatMessage m : page.items()) {
      items.add(m.toJson());
    }
    return new JsonObject().put("items", items).put("has_more", page.hasMore());
  }
}
