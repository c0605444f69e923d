package dev.parley.gateway.messages;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.conversations.MembershipCache;
import dev.parley.gateway.http.ApiException;
import dev.parley.gateway.http.Failures;
import dev.parley.gateway.stream.StreamClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/**
 * Finds a message by id for the calls that act on one (edit, delete, reactions, read receipts,
 * replies). A caller who is not a member of the message's conversation gets 404, exactly as for a
 * message that does not exist.
 *
 * <p>A message is acknowledged once the stream holds it; the worker stores it in Postgres a few
 * milliseconds later. So an id that Postgres does not know yet may still be real: when the
 * persistence consumer's ack floor is below the stream's last sequence at the time of the call,
 * the locator re-reads the floor until it passes that sequence (bounded by {@code maxWait}) and
 * looks again. Only then is "not found" an answer; if the worker is still behind at the deadline
 * the answer is 503 {@code unavailable} (retry), since the message may exist.
 */
public final class MessageLocator {
  private static final long POLL_MS = 10;

  private final Pool pool;
  private final StreamClient stream;
  private final MembershipCache membership;
  private final Duration maxWait;
  private final Counter waits;

  public MessageLocator(Pool pool, StreamClient stream, MembershipCache membership, Duration maxWait, MeterRegistry registry) {
    this.pool = pool;
    this.stream = stream;
    this.membership = membership;
    this.maxWait = maxWait;
    this.waits = Counter.builder("parley_message_lookup_waits_total")
        .description("message lookups that waited for the worker to store recent messages")
        .register(registry);
  }

  /** Where a message sits: its conversation and its place there. */
  public record Located(String id, String conversationId, long seq) {}

  /** The message, when {@code userId} is a member of its conversation; 404 otherwise. */
  public Future<Located> locate(String messageId, String userId) {
    return find(messageId).compose(found -> found == null
        ? Future.failedFuture(ApiException.notFound("message not found"))
        : membership.requireMember(found.conversationId(), userId)
            .recover(e -> Future.failedFuture(e instanceof ApiException api && api.code() == dev.parley.contract.wire.ErrorCode.NOT_FOUND
                ? ApiException.notFound("message not found") : e))
            .map(members -> found));
  }

  /** The message wherever it is (no membership check), or null when there is none. */
  public Future<Located> find(String messageId) {
    if (!Ids.isGeneratedId(messageId)) {
      return Future.succeededFuture(null);
    }
    Context ctx = Vertx.currentContext();
    return byId(messageId).compose(found -> found != null
        ? Future.succeededFuture(found)
        : storedUpToNow(ctx).compose(v -> byId(messageId)));
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

  /** Completes once everything the stream held at the time of the call is in Postgres. */
  private Future<Void> storedUpToNow(Context ctx) {
    Future<Long> last = stream.lastSequence(ctx);
    Future<Long> floor = stream.persistedFloor(ctx);
    return Future.all(last, floor).compose(v -> {
      if (floor.result() >= last.result()) {
        return Future.succeededFuture();
      }
      waits.increment();
      return awaitFloor(ctx, last.result(), System.nanoTime() + maxWait.toNanos());
    });
  }

  private Future<Void> awaitFloor(Context ctx, long target, long deadline) {
    Promise<Void> tick = Promise.promise();
    ctx.owner().setTimer(POLL_MS, t -> tick.complete());
    return tick.future()
        .compose(v -> stream.persistedFloor(ctx))
        .compose(floor -> {
          if (floor >= target) {
            return Future.succeededFuture();
          }
          if (System.nanoTime() > deadline) {
            return Future.failedFuture(ApiException.unavailable(
                "recent messages are still being stored, so this message cannot be found yet; retry shortly", null));
          }
          return awaitFloor(ctx, target, deadline);
        });
  }
}
