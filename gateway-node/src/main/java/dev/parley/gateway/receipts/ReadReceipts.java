package dev.parley.gateway.receipts;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.conversations.ConversationLog;
import dev.parley.gateway.conversations.ConversationLog.Change;
import dev.parley.gateway.conversations.ConversationLog.Write;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.RateLimiter;
import dev.parley.gateway.messages.MessageLocator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * "I have read up to this message": moves the reader's read position ({@code members.last_read_seq})
 * forward, never back. When it moves, {@code message.read_receipt} goes to the conversation in its
 * order (under the conversation's lock, like every change); when it does not (an older message, or
 * the same one again) nothing is emitted.
 */
public final class ReadReceipts {
  private final Pool pool;
  private final MessageLocator locator;
  private final ConversationLog log;
  private final Subjects subjects;
  private final RateLimiter limiter;

  public ReadReceipts(
      Pool pool,
      MessageLocator locator,
      ConversationLog log,
      Subjects subjects,
      RateLimiter limiter) {
    this.pool = pool;
    this.locator = locator;
    this.log = log;
    this.subjects = subjects;
    this.limiter = limiter;
  }

  /**
   * @param conversationId the conversation the client named (WS), or null (REST): a message of
   *     another conversation is then 404
   * @return whether the read position moved (rate limited per reader: 429 / {@code rate_limited})
   */
  public Future<Boolean> read(AuthenticatedUser reader, String messageId, String conversationId) {
    return limiter
        .acquire(LimitedAction.READ, reader.userId())
        .compose(go -> locator.locate(messageId, reader.userId()))
        .compose(
            at -> {
              if (conversationId != null && !conversationId.equals(at.conversationId())) {
                return Future.failedFuture(ApiException.notFound("message not found"));
              }
              Tuple position = Tuple.of(at.conversationId(), reader.userId(), at.seq());
              return pool.preparedQuery(ReceiptSql.WOULD_MOVE)
                  .execute(position)
                  .compose(
                      rows ->
                          rows.size() == 0
                              ? Future.succeededFuture(false)
                              : advance(reader, at, position));
            })
        .recover(Failures::database);
  }

  /** Under the conversation's lock the update decides: another read may have moved the position meanwhile. */
  private Future<Boolean> advance(
      AuthenticatedUser reader, MessageLocator.Located at, Tuple position) {
    return log.change(
            at.conversationId(),
            locked ->
                locked
                    .conn()
                    .preparedQuery(ReceiptSql.ADVANCE)
                    .execute(position)
                    .map(
                        rows -> {
                          if (rows.size() == 0) {
                            return Change.of(false);
                          }
                          JsonObject receipt =
                              new JsonObject()
                                  .put("conversation_id", at.conversationId())
                                  .put("user_id", reader.userId())
                                  .put("message_id", at.id())
                                  .put("seq", at.seq())
                                  .put(
                                      "read_at",
                                      rows.iterator()
                                          .next()
                                          .getOffsetDateTime("read_at")
                                          .toInstant()
                                          .toString());
                          return Change.of(
                              true,
                              new Write(
                                  subjects.streamEvents(at.conversationId()),
                                  null,
                                  Frames.event(EventType.READ_RECEIPT, receipt)));
                        }))
        .map(ConversationLog.Logged::result);
  }
}
