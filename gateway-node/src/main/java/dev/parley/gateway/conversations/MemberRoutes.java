package dev.parley.gateway.conversations;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Requests;
import dev.parley.gateway.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/conversations/:id/members}: add, remove (or leave), set a role. */
public final class MemberRoutes implements ApiRoutes {
  private final MemberChanges members;

  public MemberRoutes(MemberChanges members) {
    this.members = members;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/v1/conversations/:conversationId/members").handler(this::add);
    router.delete("/api/v1/conversations/:conversationId/members/:userId").handler(this::remove);
    router.put("/api/v1/conversations/:conversationId/members/:userId").handler(this::setRole);
  }

  private void add(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String conversationId = Requests.conversationId(ctx);
    Object userId = Responses.jsonBody(ctx).getValue("user_id");
    if (!(userId instanceof String id) || !Ids.isUserId(id)) {
      throw ApiException.invalid(
          "user_id must be a user id of 1-128 characters of [A-Za-z0-9._:@-]");
    }
    members
        .add(conversationId, caller.userId(), id)
        .onSuccess(
            added -> Responses.json(ctx, added.created() ? 201 : 200, added.member().toJson()))
        .onFailure(ctx::fail);
  }

  private void remove(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String conversationId = Requests.conversationId(ctx);
    members
        .remove(conversationId, caller.userId(), memberId(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void setRole(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String conversationId = Requests.conversationId(ctx);
    String userId = memberId(ctx);
    JsonObject body = Responses.jsonBody(ctx);
    Role role = body.getValue("role") instanceof String s ? Role.parse(s) : null;
    if (role == null) {
      throw ApiException.invalid(
          "role must be \"admin\", \"member\" or \"owner\" (hands ownership over)");
    }
    members
        .setRole(conversationId, caller.userId(), userId, role)
        .onSuccess(member -> Responses.json(ctx, 200, member.toJson()))
        .onFailure(ctx::fail);
  }

  /** A path user id that cannot exist names no member: 404. */
  private static String memberId(RoutingContext ctx) {
    String id = ctx.pathParam("userId");
    if (id == null || !Ids.isUserId(id)) {
      throw ApiException.notFound("no such member");
    }
    return id;
  }
}
