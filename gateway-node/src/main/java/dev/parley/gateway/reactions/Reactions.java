package dev.parley.gateway.reactions;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.conversations.ConversationLog;
import dev.parley.gateway.conversations.ConversationLog.Change;
import dev.parley.gateway.conversations.ConversationLog.Write;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.RateLimiter;
import dev.parley.gateway.messages.MessageLocator;
import dev.parley.gateway.messages.StoredMessages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * One reaction per user per emoji on a message. Adding and removing run under the conversation's
 * lock ({@link ConversationLog}), so {@code reaction.added}/{@code reaction.removed} take the
 * conversation's order and are committed before the caller hears back. Repeating either changes
 * nothing and emits nothing. Adding is rate limited per user ({@link RateLimiter}), and a message
 * carries at most {@code maxDistinct} different emoji: a new one past that is refused (409), while
 * joining an emoji already there is not.
 */
public final class Reactions {
  private final MessageLocator locator;
  private final ConversationLog log;
  private final Subjects subjects;
  private final RateLimiter limiter;
  private final int maxDistinct;

  public Reactions(
      MessageLocator locator,
      ConversationLog log,
      Subjects subjects,
      RateLimiter limiter,
      int maxDistinct) {
    this.locator = locator;
    this.log = log;
    this.subjects = subjects;
    this.limiter = limiter;
    this.maxDistinct = maxDistinct;
  }

  /** The message after the call, and whether the call added the reaction (false: it was there). */
  public record Added(ChatMessage message, boolean created) {}

  /** Adds the caller's reaction; a deleted message takes none (409), nor a new emoji past the distinct cap (409). */
  public Future<Added> add(AuthenticatedUser caller, String messageId, String emoji) {
    return limiter
        .acquire(LimitedAction.REACTION, caller.userId())
        .compose(
            go ->
                StoredMessages.change(
                    locator,
                    log,
                    caller.userId(),
                    messageId,
                    (conn, role, target) -> {
                      if (target.deleted()) {
                        return Future.failedFuture(
                            new ApiException(ErrorCode.CONFLICT, "the message was deleted"));
                      }
                      // under the conversation's lock: no other add can slip a new emoji in between
                      return conn.preparedQuery(ReactionSql.DISTINCT)
                          .execute(Tuple.of(messageId, emoji))
                          .compose(
                              rows -> {
                                Row r = rows.iterator().next();
                                if (!r.getBoolean("present")
                                    && r.getLong("distinct_emoji") >= maxDistinct) {
                                  return Future.failedFuture(
                                      new ApiException(
                                          ErrorCode.CONFLICT,
                                          "the message already has "
                                              + maxDistinct
                                              + " different reactions; add one of those instead"));
                                }
                                return conn.preparedQuery(ReactionSql.ADD)
                                    .execute(Tuple.of(messageId, emoji, caller.userId()));
                              })
                          .compose(
                              inserted ->
                                  StoredMessages.read(conn, messageId)
                                      .map(
                                          message ->
                                              inserted.rowCount() == 0
                                                  ? Change.of(new Added(message, false))
                                                  : Change.of(
                                                      new Added(message, true),
                                                      event(
                                                          EventType.REACTION_ADDED,
                                                          target.conversationId(),
                                                          messageId,
                                                          emoji,
                                                          caller))));
                    }));
  }

  /** Removes the caller's reaction. @return whether there was one */
  public Future<Boolean> remove(AuthenticatedUser caller, String messageId, String emoji) {
    return StoredMessages.change(
        locator,
        log,
        caller.userId(),
        messageId,
        (conn, role, target) ->
            conn.preparedQuery(ReactionSql.REMOVE)
                .execute(Tuple.of(messageId, emoji, caller.userId()))
                .map(
                    removed ->
                        removed.rowCount() == 0
                            ? Change.of(false)
                            : Change.of(
                                true,
                                event(
                                    EventType.REACTION_REMOVED,
                                    target.conversationId(),
                                    messageId,
                                    emoji,
                                    caller))));
  }

  private Write event(
      String type,
      String conversationId,
      String messageId,
      String emoji,
      AuthenticatedUser caller) {
    JsonObject data =
        new JsonObject()
            .put("conversation_id", conversationId)
            .put("message_id", messageId)
            .put("emoji", emoji)
            .put("user_id", caller.userId());
    return new Write(subjects.streamEvents(conversationId), null, Frames.event(type, data));
  }
}
