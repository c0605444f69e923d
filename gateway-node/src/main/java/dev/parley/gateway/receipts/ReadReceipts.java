package dev.parley.gateway.receipts;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.http.ApiException;
import dev.parley.gateway.http.Failures;
import dev.parley.gateway.messages.MessageLocator;
import dev.parley.gateway.stream.ConversationLog;
import dev.parley.gateway.stream.ConversationLog.Change;
import dev.parley.gateway.stream.ConversationLog.Write;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/**
 * "I have read up to this message": moves the reader's read position ({@code members.last_read_seq})
 * forward, never back. When it moves, {@code message.read_receipt} goes to the conversation in its
 * order (under the conversation's lock, like every change); when it does not (an older message, or
 * the same one again) nothing is emitted.
 */
public final class ReadReceipts {
  private final MessageLocator locator;
  private final ConversationLog log;
  private final Subjects subjects;

  public ReadReceipts(MessageLocator locator, ConversationLog log, Subjects subjects) {
    this.locator = locator;
    this.log = log;
    this.subjects = subjects;
  }

  /**
   * @param conversationId the conversation the client named (WS), or null (REST): a message of
   *     another conversation is then 404
   * @return whether the read position moved
   */
  public Future<Boolean> read(AuthenticatedUser reader, String messageId, String conversationId) {
    return locator.locate(messageId, reader.userId())
        .compose(at -> {
          if (conversationId != null && !conversationId.equals(at.conversationId())) {
            return Future.failedFuture(ApiException.notFound("message not found"));
          }
          return log.change(at.conversationId(), locked -> locked.conn().preparedQuery(ReceiptSql.ADVANCE)
              .execute(Tuple.of(at.conversationId(), reader.userId(), at.seq()))
              .map(rows -> {
                if (rows.size() == 0) {
                  return Change.of(false);
                }
                JsonObject receipt = new JsonObject()
                    .put("conversation_id", at.conversationId())
                    .put("user_id", reader.userId())
                    .put("message_id", messageId)
                    .put("seq", at.seq())
                    .put("read_at", rows.iterator().next().getOffsetDateTime("read_at").toInstant().toString());
                return Change.of(true, new Write(subjects.streamEvents(at.conversationId()), null,
                    Frames.event(EventType.READ_RECEIPT, receipt)));
              }));
        })
        .recover(Failures::database)
        .map(ConversationLog.Logged::result);
  }
}
