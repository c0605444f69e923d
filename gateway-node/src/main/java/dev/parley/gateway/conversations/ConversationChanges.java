package dev.parley.gateway.conversations;

import dev.parley.contract.Subjects;
import dev.parley.gateway.conversations.ConversationLog.Change;
import dev.parley.gateway.conversations.ConversationLog.Locked;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** Renaming and deleting conversations, under the conversation's lock (see {@link ConversationLog}). */
public final class ConversationChanges {
  private final ConversationLog log;
  private final MembershipAnnouncer announcer;
  private final ConversationEvents events;

  public ConversationChanges(
      ConversationLog log, MembershipAnnouncer announcer, Subjects subjects) {
    this.log = log;
    this.announcer = announcer;
    this.events = new ConversationEvents(subjects);
  }

  /** A {@code PUT}'s fields: each is changed only when the request names it ({@code null} clears it). */
  public record Patch(
      boolean nameGiven, String name, boolean descriptionGiven, String description) {}

  /** The group's new name/description; {@code conversation.updated} to every member. */
  public Future<JsonObject> update(String conversationId, String callerId, Patch patch) {
    return log.change(
            conversationId,
            Roster.read(
                callerId, (locked, roster, caller) -> update(locked, roster, caller, patch)))
        .recover(Failures::database)
        .map(ConversationLog.Logged::result);
  }

  private Future<Change<JsonObject>> update(
      Locked locked, Roster roster, Member caller, Patch patch) {
    MemberChanges.requireGroup(locked, "a direct conversation has no name or description");
    if (!MemberRules.mayEditConversation(caller.role())) {
      throw ApiException.forbidden("only the owner or an admin may change the group");
    }
    String conversationId = locked.conversationId();
    return locked
        .conn()
        .preparedQuery(MemberSql.UPDATE_CONVERSATION)
        .execute(
            Tuple.of(
                conversationId,
                patch.nameGiven(),
                patch.name(),
                patch.descriptionGiven(),
                patch.description()))
        .map(
            updated -> {
              JsonObject snapshot =
                  ConversationStore.withMembers(updated.iterator().next(), roster.members());
              return Change.of(snapshot, events.updated(conversationId, snapshot));
            });
  }

  /**
   * A group: the owner deletes it for everyone ({@code conversation.deleted}, then it is 404 for
   * all). A direct conversation: hidden from the caller's list until a newer message arrives.
   */
  public Future<Void> delete(String conversationId, String callerId) {
    return log.change(conversationId, Roster.read(callerId, this::delete))
        .recover(Failures::database)
        .compose(
            logged ->
                logged.result().isEmpty()
                    ? Future.succeededFuture()
                    : announcer.left(conversationId, logged.result()));
  }

  /** The users who lost the conversation (none when a direct one was only hidden). */
  private Future<Change<List<String>>> delete(Locked locked, Roster roster, Member caller) {
    String conversationId = locked.conversationId();
    if (!"group".equals(locked.type())) {
      return locked
          .conn()
          .preparedQuery(MemberSql.HIDE)
          .execute(Tuple.of(conversationId, caller.userId()))
          .map(v -> Change.of(List.<String>of()));
    }
    if (!MemberRules.mayDeleteGroup(caller.role())) {
      throw ApiException.forbidden("only the owner may delete the group");
    }
    return locked
        .conn()
        .preparedQuery(MemberSql.DELETE_CONVERSATION)
        .execute(Tuple.of(conversationId))
        .map(v -> Change.of(roster.userIds(), events.deleted(conversationId)));
  }
}
