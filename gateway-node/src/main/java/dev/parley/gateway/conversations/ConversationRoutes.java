package dev.parley.gateway.conversations;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Requests;
import dev.parley.gateway.http.Responses;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.RateLimiter;
import dev.parley.gateway.text.TextRules;
import dev.parley.gateway.text.TextRules.Kind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** {@code /api/v1/conversations}: create, list, details, update, delete. */
public final class ConversationRoutes implements ApiRoutes {
  private static final int MAX_NAME = 200;
  private static final int MAX_DESCRIPTION = 2000;
  private static final int MAX_INITIAL_MEMBERS = 1000;

  private final ConversationStore store;
  private final MembershipAnnouncer announcer;
  private final ConversationChanges changes;
  private final RateLimiter limiter;

  public ConversationRoutes(
      ConversationStore store,
      MembershipAnnouncer announcer,
      ConversationChanges changes,
      RateLimiter limiter) {
    this.store = store;
    this.announcer = announcer;
    this.changes = changes;
    this.limiter = limiter;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/v1/conversations").handler(this::create);
    router.get("/api/v1/conversations").handler(this::list);
    router.get("/api/v1/conversations/:conversationId").handler(this::get);
    router.put("/api/v1/conversations/:conversationId").handler(this::update);
    router.delete("/api/v1/conversations/:conversationId").handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    JsonObject body = Responses.jsonBody(ctx);
    String type = body.getValue("type") instanceof String s ? s : null;
    List<String> others = memberIds(body.getValue("member_ids"));
    Object name = body.getValue("name");
    Object description = body.getValue("description");
    if ("direct".equals(type)) {
      if (name != null || description != null) {
        throw ApiException.invalid("a direct conversation takes no name or description");
      }
      if (others.size() != 1) {
        throw ApiException.invalid(
            "a direct conversation names exactly one other user in member_ids");
      }
      if (others.get(0).equals(caller.userId())) {
        throw ApiException.invalid("a direct conversation needs another user, not yourself");
      }
      store
          .createDirect(caller.userId(), others.get(0))
          .compose(created -> announceIfNew(created).map(created))
          .onSuccess(
              created -> Responses.json(ctx, created.created() ? 201 : 200, created.conversation()))
          .onFailure(ctx::fail);
    } else if ("group".equals(type)) {
      String groupName = optionalText(name, "name", MAX_NAME, Kind.SINGLE_LINE);
      String groupDescription =
          optionalText(description, "description", MAX_DESCRIPTION, Kind.MULTI_LINE);
      // a new group each time (a direct conversation is found again): rate limited per creator
      limiter
          .acquire(LimitedAction.GROUP_CREATE, caller.userId())
          .compose(go -> store.createGroup(caller.userId(), groupName, groupDescription, others))
          .compose(created -> announceIfNew(created).map(created))
          .onSuccess(created -> Responses.json(ctx, 201, created.conversation()))
          .onFailure(ctx::fail);
    } else {
      throw ApiException.invalid("type must be \"direct\" or \"group\"");
    }
  }

  private Future<Void> announceIfNew(ConversationStore.Created created) {
    if (!created.created()) {
      return Future.succeededFuture();
    }
    JsonObject conversation = created.conversation();
    List<String> members = new ArrayList<>();
    for (Object m : conversation.getJsonArray("members")) {
      members.add(((JsonObject) m).getString("user_id"));
    }
    return announcer.created(conversation, members);
  }

  private void list(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    int limit = Requests.intParam(ctx, "limit", 50, 1, 100);
    String cursor = ctx.request().getParam("cursor");
    store
        .list(
            caller.userId(),
            cursor == null || cursor.isEmpty() ? null : ListCursor.decode(cursor),
            limit)
        .onSuccess(
            page ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("items", new JsonArray(new ArrayList<Object>(page.items())))
                        .put("next_cursor", page.nextCursor())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String id = Requests.conversationId(ctx);
    store.get(id, caller.userId()).onSuccess(c -> Responses.json(ctx, 200, c)).onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String id = Requests.conversationId(ctx);
    JsonObject body = Responses.jsonBody(ctx);
    boolean nameGiven = body.containsKey("name");
    boolean descriptionGiven = body.containsKey("description");
    if (!nameGiven && !descriptionGiven) {
      throw ApiException.invalid("give name and/or description (null clears one)");
    }
    ConversationChanges.Patch patch =
        new ConversationChanges.Patch(
            nameGiven, optionalText(body.getValue("name"), "name", MAX_NAME, Kind.SINGLE_LINE),
            descriptionGiven,
                optionalText(
                    body.getValue("description"), "description", MAX_DESCRIPTION, Kind.MULTI_LINE));
    changes
        .update(id, caller.userId(), patch)
        .onSuccess(c -> Responses.json(ctx, 200, c))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    AuthenticatedUser caller = Callers.user(ctx);
    String id = Requests.conversationId(ctx);
    changes
        .delete(id, caller.userId())
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static List<String> memberIds(Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array)) {
      throw ApiException.invalid("member_ids must be an array of user ids");
    }
    if (array.size() > MAX_INITIAL_MEMBERS) {
      throw ApiException.invalid("member_ids may list at most " + MAX_INITIAL_MEMBERS + " users");
    }
    List<String> ids = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof String s) || !Ids.isUserId(s)) {
        throw ApiException.invalid(
            "member_ids must hold user ids of 1-128 characters of [A-Za-z0-9._:@-]");
      }
      if (!ids.contains(s)) {
        ids.add(s);
      }
    }
    return ids;
  }

  private static String optionalText(Object raw, String field, int max, Kind kind) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      throw ApiException.invalid(field + " must be a string");
    }
    String trimmed = TextRules.require(field, s, kind).strip();
    if (trimmed.length() > max) {
      throw ApiException.invalid(field + " is longer than " + max + " characters");
    }
    return trimmed.isEmpty() ? null : trimmed;
  }
}
