package dev.parley.gateway.messages;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.conversations.ConversationLog;
import dev.parley.gateway.conversations.ConversationLog.Change;
import dev.parley.gateway.conversations.ConversationLog.Write;
import dev.parley.gateway.conversations.MemberRules;
import dev.parley.gateway.conversations.Role;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/**
 * Edits and soft deletes. Each runs under the conversation's lock ({@link ConversationLog}): the
 * Postgres change and its event ({@code message.updated} / {@code message.deleted}) take the same
 * place in the conversation's order, and the change is committed before the caller hears back, so
 * every member's next read, on any node, shows it.
 */
public final class MessageChanges {
  private final MessageLocator locator;
  private final ConversationLog log;
  private final Subjects subjects;
  private final RateLimiter limiter;

  public MessageChanges(
      MessageLocator locator, ConversationLog log, Subjects subjects, RateLimiter limiter) {
    this.locator = locator;
    this.log = log;
    this.subjects = subjects;
    this.limiter = limiter;
  }

  /**
   * Replaces the content (author only). System messages: 403; a deleted message: 409. Blank
   * content is allowed only on a message with files (it becomes a {@code file} message). Edits are
   * rate limited per user (429).
   *
   * @param content already checked for type and size ({@link SendRequest#editContent})
   */
  public Future<ChatMessage> edit(AuthenticatedUser caller, String messageId, String content) {
    return limiter
        .acquire(LimitedAction.EDIT, caller.userId())
        .compose(
            go ->
                StoredMessages.change(
                    locator,
                    log,
                    caller.userId(),
                    messageId,
                    (conn, role, target) -> {
                      if (target.isSystem()) {
                        return Future.failedFuture(
                            ApiException.forbidden("system messages cannot be edited"));
                      }
                      if (!caller.userId().equals(target.senderId())) {
                        return Future.failedFuture(
                            ApiException.forbidden("only the author may edit a message"));
                      }
                      if (target.deleted()) {
                        return Future.failedFuture(
                            new ApiException(ErrorCode.CONFLICT, "the message was deleted"));
                      }
                      boolean noText = content.isBlank();
                      if (noText && !target.hasAttachments()) {
                        return Future.failedFuture(
                            ApiException.invalid("content must be a non-empty string"));
                      }
                      String type = noText ? ChatMessage.FILE : ChatMessage.TEXT;
                      return conn.preparedQuery(MessageSql.EDIT)
                          .execute(Tuple.of(messageId, noText ? "" : content, type))
                          .compose(updated -> StoredMessages.read(conn, messageId))
                          .map(
                              edited ->
                                  Change.of(
                                      edited,
                                      new Write(
                                          subjects.streamEvents(target.conversationId()),
                                          null,
                                          Frames.event(
                                              EventType.MESSAGE_UPDATED, edited.toJson()))));
                    }));
  }

  /**
   * Soft delete: by the author, or by the conversation's owner or an admin. The slot stays in
   * history ({@code deleted: true}, no content, no files, no reactions). Deleting a deleted message
   * again changes nothing and emits nothing; system messages cannot be deleted (403).
   *
   * @return whether this call deleted it
   */
  public Future<Boolean> delete(AuthenticatedUser caller, String messageId) {
    return StoredMessages.change(
        locator,
        log,
        caller.userId(),
        messageId,
        (conn, role, target) -> {
          if (target.isSystem()) {
            return Future.failedFuture(ApiException.forbidden("system messages cannot be deleted"));
          }
          boolean moderator = MemberRules.mayDeleteOthersMessages(Role.parse(role));
          if (!caller.userId().equals(target.senderId()) && !moderator) {
            return Future.failedFuture(
                ApiException.forbidden(
                    "only the author, the owner or an admin may delete a message"));
          }
          if (target.deleted()) {
            return Future.succeededFuture(Change.of(false));
          }
          Tuple id = Tuple.of(messageId);
          JsonObject event =
              new JsonObject()
                  .put("conversation_id", target.conversationId())
                  .put("message_id", messageId)
                  .put("seq", target.seq());
          return conn.preparedQuery(MessageSql.SOFT_DELETE)
              .execute(id)
              .compose(x -> conn.preparedQuery(MessageSql.DETACH_FILES).execute(id))
              .compose(x -> conn.preparedQuery(MessageSql.CLEAR_REACTIONS).execute(id))
              .map(
                  x ->
                      Change.of(
                          true,
                          new Write(
                              subjects.streamEvents(target.conversationId()),
                              null,
                              Frames.event(EventType.MESSAGE_DELETED, event))));
        });
  }
}
