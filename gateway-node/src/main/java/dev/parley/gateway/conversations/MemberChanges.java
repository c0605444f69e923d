package dev.parley.gateway.conversations;

import dev.parley.contract.Subjects;
import dev.parley.gateway.conversations.ConversationLog.Change;
import dev.parley.gateway.conversations.ConversationLog.Locked;
import dev.parley.gateway.conversations.ConversationLog.Write;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.RateLimiter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Adds and removes group members and sets their roles. Each change runs under the conversation's
 * lock through {@link ConversationLog}, so the member rows and the stream entries clients see
 * (system message, {@code member.added}/{@code member.removed}, {@code conversation.updated})
 * commit in one order; then every gateway is told, so added users' open connections start
 * receiving the conversation (from the change's first entry) and membership caches drop it. Adds
 * are rate limited per caller ({@link RateLimiter}).
 */
public final class MemberChanges {
  private final ConversationLog log;
  private final MembershipAnnouncer announcer;
  private final ConversationEvents events;
  private final RateLimiter limiter;

  public MemberChanges(
      ConversationLog log, MembershipAnnouncer announcer, Subjects subjects, RateLimiter limiter) {
    this.log = log;
    this.announcer = announcer;
    this.events = new ConversationEvents(subjects);
    this.limiter = limiter;
  }

  /** The member entry, and whether this call added it (false: it was a member already). */
  public record Added(Member member, boolean created) {}

  public Future<Added> add(String conversationId, String callerId, String userId) {
    return limiter
        .acquire(LimitedAction.MEMBER_ADD, callerId)
        .compose(go -> added(conversationId, callerId, userId));
  }

  private Future<Added> added(String conversationId, String callerId, String userId) {
    return log.change(
            conversationId,
            // the caller's and the new member's entries only: a member add must not read the
            // whole group (adding 9,000 members one by one to a group of 1,000 read about 50
            // million rows)
            Roster.readEntries(
                callerId,
                List.of(userId),
                (locked, roster, caller) -> add(locked, roster, caller, userId)),
            // the join's system message is the newest message: the new member has read up to it
            (locked, logged) ->
                logged.result().created()
                    ? locked
                        .conn()
                        .preparedQuery(MemberSql.START_READING_AT)
                        .execute(Tuple.of(conversationId, userId, logged.lastSeq()))
                        .mapEmpty()
                    : Future.succeededFuture())
        .recover(Failures::database)
        .compose(
            logged ->
                logged.result().created()
                    ? announcer
                        .joined(conversationId, List.of(userId), logged.seqs().get(0))
                        .map(logged.result())
                    : Future.succeededFuture(logged.result()));
  }

  private Future<Change<Added>> add(Locked locked, Roster roster, Member caller, String userId) {
    requireGroup(locked, "members cannot be added to a direct conversation");
    if (!MemberRules.mayAddMembers(caller.role())) {
      throw ApiException.forbidden("only the owner or an admin may add members");
    }
    Optional<Member> existing = roster.find(userId);
    if (existing.isPresent()) {
      return Future.succeededFuture(Change.of(new Added(existing.get(), false)));
    }
    SqlConnection conn = locked.conn();
    String conversationId = locked.conversationId();
    return ConversationStore.ensureUsers(conn, List.of(userId))
        .compose(
            v ->
                conn.preparedQuery(MemberSql.INSERT_MEMBER)
                    .execute(Tuple.of(conversationId, userId)))
        .map(
            inserted -> {
              Row row = inserted.iterator().next();
              return new Member(
                  userId, Role.MEMBER, row.getString("name"), row.getOffsetDateTime("joined_at"));
            })
        .map(
            added ->
                Change.of(
                    new Added(added, true),
                    events.memberAdded(conversationId, added),
                    events.message(
                        SystemMessages.added(conversationId, caller, added, Instant.now()))));
  }

  /**
   * Removes a member, or the caller themselves (leaving). The owner leaving hands the group to
   * {@link MemberRules#successor}; the last member leaving deletes it.
   */
  public Future<Void> remove(String conversationId, String callerId, String userId) {
    return log.change(
            conversationId,
            Roster.read(
                callerId, (locked, roster, caller) -> remove(locked, roster, caller, userId)))
        .recover(Failures::database)
        .compose(logged -> announcer.left(conversationId, List.of(userId)));
  }

  private Future<Change<Void>> remove(Locked locked, Roster roster, Member caller, String userId) {
    requireGroup(
        locked, "a direct conversation keeps its two members; delete it to hide it instead");
    Member target = roster.target(userId);
    boolean self = caller.userId().equals(userId);
    if (!MemberRules.mayRemove(caller.role(), target.role(), self)) {
      throw ApiException.forbidden(
          caller.role() == Role.ADMIN
              ? "an admin may remove members, not the owner or another admin"
              : "only the owner or an admin may remove members");
    }
    SqlConnection conn = locked.conn();
    String conversationId = locked.conversationId();
    List<Member> remaining = roster.without(userId);
    if (remaining.isEmpty()) {
      // the last one out: nobody is left to read a system message
      return conn.preparedQuery(MemberSql.DELETE_CONVERSATION)
          .execute(Tuple.of(conversationId))
          .map(
              v ->
                  Change.of(
                      null,
                      events.memberRemoved(conversationId, userId),
                      events.deleted(conversationId)));
    }
    Optional<Member> successor =
        target.role() == Role.OWNER ? MemberRules.successor(remaining) : Optional.empty();
    List<Write> writes = new ArrayList<>();
    writes.add(
        events.message(
            self
                ? SystemMessages.left(conversationId, target, Instant.now())
                : SystemMessages.removed(conversationId, caller, target, Instant.now())));
    writes.add(events.memberRemoved(conversationId, userId));
    Future<Void> done =
        conn.preparedQuery(MemberSql.DELETE_MEMBER)
            .execute(Tuple.of(conversationId, userId))
            .mapEmpty();
    if (successor.isPresent()) {
      done =
          done.compose(v -> setRole(conn, conversationId, successor.get().userId(), Role.OWNER))
              .compose(v -> ConversationStore.snapshot(conn, conversationId))
              .map(
                  snapshot -> {
                    writes.add(events.updated(conversationId, snapshot));
                    return null;
                  });
    }
    return done.map(v -> new Change<>(null, writes));
  }

  /** The owner sets a member's role; {@code owner} hands ownership over (the previous owner becomes admin). */
  public Future<Member> setRole(
      String conversationId, String callerId, String userId, Role wanted) {
    return log.change(
            conversationId,
            Roster.read(
                callerId,
                (locked, roster, caller) -> setRole(locked, roster, caller, userId, wanted)))
        .recover(Failures::database)
        .map(ConversationLog.Logged::result);
  }

  private Future<Change<Member>> setRole(
      Locked locked, Roster roster, Member caller, String userId, Role wanted) {
    requireGroup(locked, "a direct conversation has no roles to set");
    if (!MemberRules.maySetRoles(caller.role())) {
      throw ApiException.forbidden("only the owner may set roles");
    }
    Member target = roster.target(userId);
    SqlConnection conn = locked.conn();
    String conversationId = locked.conversationId();
    Future<Void> applied =
        switch (MemberRules.roleChange(caller.userId(), target, wanted)) {
          case UNCHANGED -> null;
          case OWNER_MUST_HAND_OVER ->
              throw ApiException.invalid(
                  "the owner keeps the owner role until handing it to another member ({\"role\":\"owner\"}) or leaving");
          case SET -> setRole(conn, conversationId, userId, wanted);
          case HAND_OVER ->
              setRole(conn, conversationId, userId, Role.OWNER)
                  .compose(v -> setRole(conn, conversationId, caller.userId(), Role.ADMIN));
        };
    if (applied == null) {
      return Future.succeededFuture(Change.of(target));
    }
    return applied
        .compose(
            v -> conn.preparedQuery(MemberSql.TOUCH_CONVERSATION).execute(Tuple.of(conversationId)))
        .compose(v -> ConversationStore.snapshot(conn, conversationId))
        .map(
            snapshot ->
                Change.of(target.withRole(wanted), events.updated(conversationId, snapshot)));
  }

  private static Future<Void> setRole(
      SqlConnection conn, String conversationId, String userId, Role role) {
    return conn.preparedQuery(MemberSql.SET_ROLE)
        .execute(Tuple.of(conversationId, userId, role.wire()))
        .mapEmpty();
  }

  static void requireGroup(Locked locked, String message) {
    if (!"group".equals(locked.type())) {
      throw ApiException.invalid(message);
    }
  }
}
