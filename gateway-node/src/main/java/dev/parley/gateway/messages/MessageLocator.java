package dev.parley.gateway.messages;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.conversations.MembershipCache;
import dev.parley.gateway.http.ApiException;
import dev.parley.gateway.http.Failures;
import dev.parley.gateway.stream.PersistedWrites;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Finds a message by id for the calls that act on one (edit, delete, reactions, read receipts,
 * replies). A caller who is not a member of the message's conversation gets 404, exactly as for a
 * message that does not exist.
 *
 * <p>A message is acknowledged once the stream holds it; the worker stores it in Postgres a few
 * milliseconds later. So an id that Postgres does not know yet may still be real: the locator
 * waits for the worker to store what the stream holds ({@link PersistedWrites}) and looks again.
 */
public final class MessageLocator {
  private final Pool pool;
  private final PersistedWrites persisted;
  private final MembershipCache membership;

  public MessageLocator(Pool pool, PersistedWrites persisted, MembershipCache membership) {
    this.pool = pool;
    this.persisted = persisted;
    this.membership = membership;
  }

  /** Where a message sits: its conversation and its place there. */
  public record Located(String id, String conversationId, long seq) {}

  /** The message, when {@code userId} is a member of its conversation; 404 otherwise. */
  public Future<Located> locate(String messageId, String userId) {
    return find(messageId).compose(found -> found == null
        ? Future.failedFuture(ApiException.notFound("message not found"))
        : membership.requireMember(found.conversationId(), userId)
            .recover(e -> Future.failedFuture(e instanceof ApiException api && api.code() == ErrorCode.NOT_FOUND
                ? ApiException.notFound("message not found") : e))
            .map(members -> found));
  }

  /** The message wherever it is (no membership check), or null when there is none. */
  public Future<Located> find(String messageId) {
    if (!Ids.isGeneratedId(messageId)) {
      return Future.succeededFuture(null);
    }
    return persisted.readOnceStored(() -> byId(messageId));
  }

  private Future<Located> byId(String messageId) {
    return pool.preparedQuery(MessageSql.LOCATE).execute(Tuple.of(messageId))
        .recover(Failures::database)
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new Located(messageId, r.getString("conversation_id"), r.getLong("seq"));
        });
  }
}
