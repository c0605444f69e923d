package dev.parley.gateway.messages;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.conversations.MembershipCache;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.stream.PersistedWrites;
import dev.parley.gateway.stream.UnstoredMessages;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Finds a message by id for the calls that act on one (edit, delete, reactions, read receipts,
 * replies). A caller who is not a member of the message's conversation gets 404, exactly as for a
 * message that does not exist.
 *
 * <p>A message is acknowledged once the stream holds it; the worker stores it in Postgres a few
 * milliseconds later, or later still behind a backlog. So an id that Postgres does not know may
 * still be real: the locator then reads the worker's window ({@link UnstoredMessages}) newest
 * first, where a message acknowledged a moment ago is among the first entries, and learns its
 * conversation and seq from the stream, without waiting for the worker. Postgres is asked again
 * when the window is empty or holds no such message (it may have been stored in between), so "not
 * found" is exact. Only when the window is wider than the read may look at, and the id is not
 * among its newest entries, does it wait for the worker ({@link PersistedWrites}).
 */
public final class MessageLocator {
  private final Pool pool;
  private final UnstoredMessages unstored;
  private final PersistedWrites persisted;
  private final MembershipCache membership;

  public MessageLocator(
      Pool pool, UnstoredMessages unstored, PersistedWrites persisted, MembershipCache membership) {
    this.pool = pool;
    this.unstored = unstored;
    this.persisted = persisted;
    this.membership = membership;
  }

  /** Where a message sits: its conversation and its place there; {@code stored}: whether Postgres has its row. */
  public record Located(String id, String conversationId, long seq, boolean stored) {}

  /** The message, when {@code userId} is a member of its conversation; 404 otherwise. */
  public Future<Located> locate(String messageId, String userId) {
    return find(messageId)
        .compose(
            found ->
                found == null
                    ? Future.failedFuture(ApiException.notFound("message not found"))
                    : membership
                        .requireMember(found.conversationId(), userId)
                        .recover(
                            e ->
                                Future.failedFuture(
                                    e instanceof ApiException api
                                            && api.code() == ErrorCode.NOT_FOUND
                                        ? ApiException.notFound("message not found")
                                        : e))
                        .map(members -> found));
  }

  /**
   * As {@link #locate}, for a change that needs the message's row: a message found in the stream is
   * waited for until the worker has stored it (not for anything after it).
   */
  public Future<Located> locateStored(String messageId, String userId) {
    return locate(messageId, userId)
        .compose(
            at ->
                at.stored()
                    ? Future.succeededFuture(at)
                    : persisted.storedThrough(at.conversationId(), at.seq()).map(at));
  }

  /** The message wherever it is (no membership check), or null when there is none. */
  public Future<Located> find(String messageId) {
    if (!Ids.isGeneratedId(messageId)) {
      return Future.succeededFuture(null);
    }
    return byId(messageId)
        .compose(found -> found != null ? Future.succeededFuture(found) : inStream(messageId));
  }

  private Future<Located> inStream(String messageId) {
    Context ctx = Vertx.currentContext();
    return unstored
        .window(ctx)
        .compose(window -> unstored.matching(ctx, window, m -> messageId.equals(m.id()), true))
        .compose(
            found -> {
              if (!found.messages().isEmpty()) {
                ChatMessage m = found.messages().get(0);
                return Future.succeededFuture(
                    new Located(messageId, m.conversationId(), m.seq(), false));
              }
              return found.complete()
                  ? byId(messageId)
                  : persisted.readOnceStored(() -> byId(messageId));
            });
  }

  private Future<Located> byId(String messageId) {
    return pool.preparedQuery(MessageSql.LOCATE)
        .execute(Tuple.of(messageId))
        .recover(Failures::database)
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row r = rows.iterator().next();
              return new Located(messageId, r.getString("conversation_id"), r.getLong("seq"), true);
            });
  }
}
