package dev.parley.gateway.messages;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.gateway.conversations.ConversationLog;
import dev.parley.gateway.conversations.ConversationLog.Change;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.messagerows.MessageRows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Reads a change to a message needs, on the connection of the change's transaction (see
 * {@code ConversationLog.change}), so what it decides on is what it changes; and {@link #change},
 * which runs such a change.
 */
public final class StoredMessages {
  private StoredMessages() {}

  /** A change to one message, given the transaction, the caller's role and the message (see {@link #change}). */
  @FunctionalInterface
  public interface MessageChange<T> {
    Future<Change<T>> apply(SqlConnection conn, String role, Target target);
  }

  /**
   * Runs {@code work} as a change of the message's conversation ({@link ConversationLog#change}):
   * the message is located for the caller (404 unless a member), then the caller's role and the
   * message are read under the conversation's lock and handed to {@code work}.
   */
  public static <T> Future<T> change(
      MessageLocator locator,
      ConversationLog log,
      String callerId,
      String messageId,
      MessageChange<T> work) {
    return locator
        .locateStored(messageId, callerId)
        .compose(
            at ->
                log.change(
                    at.conversationId(),
                    locked ->
                        roleOf(locked.conn(), at.conversationId(), callerId)
                            .compose(
                                role ->
                                    target(locked.conn(), at.conversationId(), messageId)
                                        .compose(
                                            target -> work.apply(locked.conn(), role, target)))))
        .recover(Failures::database)
        .map(ConversationLog.Logged::result);
  }

  /** A message about to be changed: who wrote it, what it is, and whether it is still there. */
  public record Target(
      String id,
      String conversationId,
      long seq,
      String senderId,
      String type,
      boolean deleted,
      boolean hasAttachments) {

    public boolean isSystem() {
      return ChatMessage.SYSTEM.equals(type);
    }
  }

  /** The message, which must belong to the conversation; 404 otherwise. */
  public static Future<Target> target(SqlClient conn, String conversationId, String messageId) {
    return conn.preparedQuery(MessageSql.TARGET)
        .execute(Tuple.of(messageId, conversationId))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(ApiException.notFound("message not found"));
              }
              Row r = rows.iterator().next();
              return Future.succeededFuture(
                  new Target(
                      messageId,
                      conversationId,
                      r.getLong("seq"),
                      r.getString("sender_id"),
                      r.getString("type"),
                      r.getBoolean("deleted"),
                      r.getBoolean("has_attachments")));
            });
  }

  /** The caller's role ({@code owner}, {@code admin}, {@code member}); 404 for a non-member. */
  public static Future<String> roleOf(SqlClient conn, String conversationId, String userId) {
    return conn.preparedQuery(MessageSql.ROLE)
        .execute(Tuple.of(conversationId, userId))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.failedFuture(ApiException.notFound("message not found"))
                    : Future.succeededFuture(rows.iterator().next().getString(0)));
  }

  /** The message object as history shows it, reactions and attachments included. */
  public static Future<ChatMessage> read(SqlClient conn, String messageId) {
    return conn.preparedQuery(MessageSql.ONE)
        .execute(Tuple.of(messageId))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.failedFuture(ApiException.notFound("message not found"))
                    : Future.succeededFuture(MessageRows.fromRow(rows.iterator().next())));
  }
}
