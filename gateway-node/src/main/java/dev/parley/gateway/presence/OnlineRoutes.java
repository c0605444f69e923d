package dev.parley.gateway.presence;

import dev.parley.contract.presence.PresenceRpc;
import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.auth.Callers;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.http.ApiRoutes;
import dev.parley.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/v1/users/online[?user_ids=a,b]}: the online users among those who share a
 * conversation with the caller, the caller included. Who may be listed is decided in SQL, before
 * presence is asked: a user who shares no conversation with the caller is never listed, even when
 * asked for by id. States come from the presence nodes ({@link PresenceClient}).
 */
public final class OnlineRoutes implements ApiRoutes {
  /** Most users one request may name in {@code user_ids}. */
  public static final int MAX_ASKED = PresenceRpc.MAX_QUERY_IDS;

  /** Most users whose presence one request looks at; past it, the first by id. */
  public static final int MAX_CANDIDATES = 10_000;

  /**
   * The caller, and everyone sharing a live conversation with them; {@code $2}, when not null,
   * keeps only those ids. The filter goes into the join, so a short list probes the members primary
   * key per conversation of the caller instead of listing every co-member.
   */
  static final String CANDIDATES =
      """
      SELECT $1::text AS user_id WHERE $2::text[] IS NULL OR $1 = ANY($2::text[])
      UNION
      SELECT other.user_id
      FROM members mine
      JOIN conversations c ON c.id = mine.conversation_id AND c.deleted_at IS NULL
      JOIN members other ON other.conversation_id = mine.conversation_id
      WHERE mine.user_id = $1 AND ($2::text[] IS NULL OR other.user_id = ANY($2::text[]))
      ORDER BY user_id
      LIMIT $3
      """;

  private final Pool pool;
  private final PresenceClient presence;

  public OnlineRoutes(Pool pool, PresenceClient presence) {
    this.pool = pool;
    this.presence = presence;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/users/online").handler(this::online);
  }

  private void online(RoutingContext ctx) {
    String caller = Callers.user(ctx).userId();
    List<String> asked = askedIds(ctx);
    candidates(caller, asked)
        .compose(
            ids ->
                ids.isEmpty()
                    ? Future.succeededFuture(List.<PresenceState>of())
                    : presence.online(ids))
        .onSuccess(
            states -> {
              JsonArray items = new JsonArray();
              states.stream()
                  .sorted(Comparator.comparing(PresenceState::userId))
                  .forEach(s -> items.add(s.toJson()));
              Responses.json(ctx, 200, new JsonObject().put("items", items));
            })
        .onFailure(ctx::fail);
  }

  /** {@code user_ids=a,b}: null when absent; every id well-formed, at most {@link #MAX_ASKED}. */
  static List<String> askedIds(RoutingContext ctx) {
    List<String> params = ctx.queryParam("user_ids");
    if (params.isEmpty()) {
      return null;
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String param : params) {
      for (String id : param.split(",", -1)) {
        String trimmed = id.trim();
        if (!Ids.isUserId(trimmed)) {
          throw ApiException.invalid(
              "user_ids must be a comma-separated list of user ids; got \"" + trimmed + "\"");
        }
        ids.add(trimmed);
      }
    }
    if (ids.size() > MAX_ASKED) {
      throw ApiException.invalid("user_ids may name at most " + MAX_ASKED + " users");
    }
    return List.copyOf(ids);
  }

  private Future<List<String>> candidates(String caller, List<String> asked) {
    String[] filter = asked == null ? null : asked.toArray(String[]::new);
    return pool.preparedQuery(CANDIDATES)
        .execute(Tuple.of(caller, filter, MAX_CANDIDATES))
        .recover(Failures::database)
        .map(
            rows -> {
              List<String> ids = new ArrayList<>(rows.size());
              rows.forEach(r -> ids.add(r.getString(0)));
              return ids;
            });
  }
}
