package dev.parley.gateway.conversations;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.messagerows.MessageRows;
import dev.parley.gateway.messagerows.UnstoredSql;
import dev.parley.gateway.stream.UnstoredMessages;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Conversations and their members in Postgres. Reads (the list, details) also count the messages
 * the worker has not stored yet ({@link UnstoredMessages}, {@link UnstoredSql}), so they show a
 * message from the moment it is acknowledged.
 */
public final class ConversationStore {
  private final Pool pool;
  private final UnstoredMessages unstored;

  public ConversationStore(Pool pool, UnstoredMessages unstored) {
    this.pool = pool;
    this.unstored = unstored;
  }

  /** A conversation as answered by create/get, and whether this call created it. */
  public record Created(JsonObject conversation, boolean created) {}

  /** A page of the caller's conversations. */
  public record Page(List<JsonObject> items, String nextCursor) {}

  public Future<Created> createGroup(
      String ownerId, String name, String description, List<String> otherIds) {
    String id = Ids.newId();
    List<String> users = new ArrayList<>();
    List<String> roles = new ArrayList<>();
    users.add(ownerId);
    roles.add("owner");
    for (String other : new TreeSet<>(otherIds)) {
      if (!other.equals(ownerId)) {
        users.add(other);
        roles.add("member");
      }
    }
    return pool.withTransaction(
            conn ->
                ensureUsers(conn, users)
                    .compose(
                        v ->
                            conn.preparedQuery(ConversationSql.INSERT_GROUP)
                                .execute(Tuple.of(id, name, description, ownerId)))
                    .compose(v -> insertMembers(conn, id, users, roles))
                    .compose(v -> details(conn, id, ownerId)))
        .recover(Failures::database)
        .map(c -> new Created(c, true));
  }

  /** The one direct conversation of two users: created once, even when both ask at the same moment. */
  public Future<Created> createDirect(String callerId, String otherId) {
    String key =
        callerId.compareTo(otherId) < 0 ? callerId + "|" + otherId : otherId + "|" + callerId;
    String id = Ids.newId();
    return pool.withTransaction(
            conn ->
                ensureUsers(conn, List.of(callerId, otherId))
                    .compose(
                        v ->
                            conn.preparedQuery(ConversationSql.INSERT_DIRECT)
                                .execute(Tuple.of(id, callerId, key)))
                    .compose(
                        inserted -> {
                          if (inserted.rowCount() == 1) {
                            return insertMembers(
                                    conn,
                                    id,
                                    List.of(callerId, otherId),
                                    List.of("member", "member"))
                                .compose(v -> details(conn, id, callerId))
                                .map(c -> new Created(c, true));
                          }
                          return conn.preparedQuery(ConversationSql.FIND_DIRECT)
                              .execute(Tuple.of(key))
                              .compose(
                                  rows -> {
                                    String existing = rows.iterator().next().getString(0);
                                    return conn.preparedQuery(ConversationSql.UNHIDE)
                                        .execute(Tuple.of(existing, callerId))
                                        .compose(v -> details(conn, existing, callerId));
                                  })
                              .map(c -> new Created(c, false));
                        }))
        .recover(Failures::database);
  }

  public Future<JsonObject> get(String conversationId, String callerId) {
    Context ctx = Vertx.currentContext();
    return unstored
        .window(ctx, conversationId)
        .compose(window -> unstored.of(ctx, conversationId, window))
        .compose(
            messages ->
                pool.withConnection(
                        conn ->
                            conn.preparedQuery(ConversationSql.DETAILS_READ)
                                .execute(
                                    Tuple.of(conversationId, callerId, UnstoredSql.json(messages)))
                                .compose(
                                    rows ->
                                        rows.rowCount() == 0
                                            ? Future.failedFuture(
                                                ApiException.notFound("conversation not found"))
                                            : withMembers(
                                                conn, conversationId, rows.iterator().next())))
                    .recover(Failures::database));
  }

  /**
   * A user's live conversations, and those of them with at most {@code smallMax} members (the ones
   * that carry the user's presence changes).
   */
  public Future<UserMemberships> membershipsOf(String userId, int smallMax) {
    return pool.preparedQuery(ConversationSql.CONVERSATIONS_OF_WITH_SMALL)
        .execute(Tuple.of(userId, smallMax))
        .recover(Failures::database)
        .map(
            rows -> {
              List<String> all = new ArrayList<>(rows.size());
              List<String> small = new ArrayList<>(rows.size());
              for (Row r : rows) {
                all.add(r.getString(0));
                if (r.getBoolean(1)) {
                  small.add(r.getString(0));
                }
              }
              return new UserMemberships(List.copyOf(all), List.copyOf(small));
            });
  }

  /**
   * A page of the caller's list. When the worker has stored everything (one request tells), the
   * query gets no unstored message; otherwise every message of the window, whichever
   * conversations they are in: the query keeps the caller's.
   */
  public Future<Page> list(String userId, ListCursor cursor, int limit) {
    Context ctx = Vertx.currentContext();
    return unstored
        .window(ctx)
        .compose(
            window ->
                window.isEmpty()
                    ? Future.succeededFuture(UnstoredSql.NONE)
                    : unstored.all(ctx, window).map(UnstoredSql::json))
        .compose(
            pending ->
                pool.preparedQuery(ConversationSql.LIST)
                    .execute(
                        Tuple.of(
                            userId,
                            cursor == null ? null : cursor.lastActivityAt(),
                            cursor == null ? null : cursor.id(),
                            limit + 1,
                            pending))
                    .recover(Failures::database))
        .map(
            rows -> {
              List<JsonObject> items = new ArrayList<>();
              List<Row> all = new ArrayList<>();
              rows.forEach(all::add);
              for (int i = 0; i < Math.min(limit, all.size()); i++) {
                Row r = all.get(i);
                JsonObject c = conversationJson(r).put("role", r.getString("role"));
                c.put(
                    "last_message",
                    r.getString("lm_id") == null ? null : MessageRows.fromRow(r, "lm_").toJson());
                c.put("unread_count", r.getLong("unread"));
                items.add(c);
              }
              String next = null;
              if (all.size() > limit) {
                Row last = all.get(limit - 1);
                next =
                    new ListCursor(last.getOffsetDateTime("last_activity_at"), last.getString("id"))
                        .encode();
              }
              return new Page(items, next);
            });
  }

  private Future<JsonObject> details(SqlConnection conn, String conversationId, String callerId) {
    return conn.preparedQuery(ConversationSql.DETAILS)
        .execute(Tuple.of(conversationId, callerId))
        .compose(
            rows -> {
              if (rows.rowCount() == 0) {
                return Future.failedFuture(ApiException.notFound("conversation not found"));
              }
              return withMembers(conn, conversationId, rows.iterator().next());
            });
  }

  /** The conversation as {@code GET} answers it, read on the connection of a change in progress. */
  static Future<JsonObject> snapshot(SqlConnection conn, String conversationId) {
    return conn.preparedQuery(MemberSql.CONVERSATION)
        .execute(Tuple.of(conversationId))
        .compose(rows -> withMembers(conn, conversationId, rows.iterator().next()));
  }

  private static Future<JsonObject> withMembers(
      SqlConnection conn, String conversationId, Row conversation) {
    return roster(conn, conversationId).map(members -> withMembers(conversation, members));
  }

  /** A conversation's JSON with its {@code members}. */
  static JsonObject withMembers(Row conversation, List<Member> members) {
    return conversationJson(conversation)
        .put("members", new JsonArray(members.stream().map(Member::toJson).toList()));
  }

  /** Every member, longest-standing first. */
  static Future<List<Member>> roster(SqlConnection conn, String conversationId) {
    return conn.preparedQuery(ConversationSql.MEMBERS)
        .execute(Tuple.of(conversationId))
        .map(ConversationStore::members);
  }

  /** The entries of {@code userIds} that are members, longest-standing first. */
  static Future<List<Member>> namedMembers(
      SqlConnection conn, String conversationId, List<String> userIds) {
    return conn.preparedQuery(ConversationSql.NAMED_MEMBERS)
        .execute(Tuple.of(conversationId).addArrayOfString(userIds.toArray(String[]::new)))
        .map(ConversationStore::members);
  }

  private static List<Member> members(RowSet<Row> rows) {
    List<Member> members = new ArrayList<>();
    for (Row r : rows) {
      members.add(
          new Member(
              r.getString("user_id"),
              Role.parse(r.getString("role")),
              r.getString("name"),
              r.getOffsetDateTime("joined_at")));
    }
    return members;
  }

  static Future<Void> ensureUsers(SqlConnection conn, List<String> users) {
    return conn.preparedQuery(ConversationSql.ENSURE_USERS)
        .execute(Tuple.of(users.toArray(String[]::new)))
        .mapEmpty();
  }

  private static Future<Void> insertMembers(
      SqlConnection conn, String id, List<String> users, List<String> roles) {
    return conn.preparedQuery(ConversationSql.INSERT_MEMBERS)
        .execute(Tuple.of(id, users.toArray(String[]::new), roles.toArray(String[]::new)))
        .mapEmpty();
  }

  static JsonObject conversationJson(Row r) {
    return new JsonObject()
        .put("id", r.getString("id"))
        .put("type", r.getString("type"))
        .put("name", r.getString("name"))
        .put("description", r.getString("description"))
        .put("created_by", r.getString("created_by"))
        .put("last_seq", r.getLong("last_seq"))
        .put("created_at", iso(r.getOffsetDateTime("created_at")))
        .put("updated_at", iso(r.getOffsetDateTime("updated_at")))
        .put("last_activity_at", iso(r.getOffsetDateTime("last_activity_at")));
  }

  static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
