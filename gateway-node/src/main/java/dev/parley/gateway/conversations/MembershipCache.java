package dev.parley.gateway.conversations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who belongs to a conversation, cached so the send path needs no database round trip on most
 * sends (and keeps working while Postgres is down). Entries are dropped on every membership change
 * any gateway announces, on every {@code member.*} / {@code conversation.deleted} entry this node
 * delivers from the stream, and on every NATS reconnect (notices may have been lost meanwhile).
 * Whatever else happens, a cached "yes" is trusted for {@code fresh} only (default 5 s): that is
 * how long a removal whose notice was lost can go unnoticed here. Only a fresh cached "yes" is
 * trusted: a user not in the cached set is looked up again, so someone just added is never refused.
 *
 * <p>While Postgres is unreachable an entry past {@code fresh} still answers (up to {@link
 * #KEPT}): sends must not depend on the database, and no removal can commit while it is down.
 */
public final class MembershipCache {
  static final String MEMBERS =
      """
      SELECT m.user_id FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.conversation_id = $1 AND c.deleted_at IS NULL
      """;

  /** How long an entry is kept to answer from while Postgres is unreachable. */
  static final Duration KEPT = Duration.ofMinutes(10);

  /** A conversation's members as read at {@code loadedAtNanos}, trusted since {@code trustedAtNanos}. */
  private record Known(Set<String> ids, long loadedAtNanos, long trustedAtNanos) {}

  private final Pool pool;
  private final long freshNanos;
  private final Cache<String, Known> members;
  private final Map<String, Future<Set<String>>> loading = new ConcurrentHashMap<>();

  /** @param fresh how long a cached membership is trusted without asking Postgres again */
  public MembershipCache(Pool pool, Duration fresh) {
    this.pool = pool;
    this.freshNanos = fresh.toNanos();
    this.members = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(KEPT).build();
  }

  /**
   * One query per conversation at a time, however many ask at once: a burst of sends to a
   * conversation whose entry just went stale must not take every pooled connection (and fill the
   * pool's wait queue, which answers 503). Completes on the caller's context.
   */
  private Future<Set<String>> load(String conversationId) {
    Promise<Set<String>> mine = Promise.promise();
    Future<Set<String>> running = loading.putIfAbsent(conversationId, mine.future());
    if (running == null) {
      query(conversationId)
          .onComplete(
              ar -> {
                loading.remove(conversationId, mine.future());
                mine.handle(ar);
              });
      running = mine.future();
    }
    Context ctx = Vertx.currentContext();
    if (ctx == null) {
      return running;
    }
    Promise<Set<String>> here = Promise.promise();
    running.onComplete(ar -> ctx.runOnContext(v -> here.handle(ar)));
    return here.future();
  }

  private Future<Set<String>> query(String conversationId) {
    long started = System.nanoTime();
    return pool.preparedQuery(MEMBERS)
        .execute(Tuple.of(conversationId))
        .recover(Failures::database)
        .map(
            rows -> {
              Set<String> ids = new HashSet<>();
              for (Row r : rows) {
                ids.add(r.getString(0));
              }
              Set<String> frozen = Set.copyOf(ids);
              if (!frozen.isEmpty()) {
                members.put(conversationId, new Known(frozen, started, started));
              }
              return frozen;
            });
  }

  /**
   * Succeeds when the user is a member; a non-member learns nothing (404, as for a missing
   * conversation). For paths that must not need Postgres (sends, typing).
   */
  public Future<Set<String>> requireMember(String conversationId, String userId) {
    Known cached = members.getIfPresent(conversationId);
    boolean listed = cached != null && cached.ids().contains(userId);
    if (listed && System.nanoTime() - cached.trustedAtNanos() < freshNanos) {
      return Future.succeededFuture(cached.ids());
    }
    // a cached "no" is checked again: the user may have been added on another node a moment ago,
    // and the notice that drops this entry may not be here yet
    return load(conversationId)
        .recover(
            e ->
                listed
                        && isUnavailable(e)
                        && System.nanoTime() - cached.loadedAtNanos() < KEPT.toNanos()
                    ? Future.succeededFuture(stillTrusted(conversationId, cached))
                    : Future.failedFuture(e))
        .compose(found -> check(found, userId));
  }

  /**
   * As {@link #requireMember}, always asking Postgres: for reads that go to Postgres anyway
   * (history), so a removal is refused there the moment it commits, whatever the cache holds.
   */
  public Future<Set<String>> requireMemberNow(String conversationId, String userId) {
    // its own query, not one already running: that one may have started before the removal
    // committed
    return query(conversationId).compose(found -> check(found, userId));
  }

  /**
   * Postgres is unreachable: the entry answers for another {@code fresh} before the next attempt,
   * so sends do not each wait for a failing connection (unless a change dropped it meanwhile).
   */
  private Set<String> stillTrusted(String conversationId, Known cached) {
    members
        .asMap()
        .replace(
            conversationId,
            cached,
            new Known(cached.ids(), cached.loadedAtNanos(), System.nanoTime()));
    return cached.ids();
  }

  private static Future<Set<String>> check(Set<String> found, String userId) {
    return found.contains(userId)
        ? Future.succeededFuture(found)
        : Future.failedFuture(ApiException.notFound("conversation not found"));
  }

  private static boolean isUnavailable(Throwable e) {
    return e instanceof ApiException api && api.code() == ErrorCode.UNAVAILABLE;
  }

  public void invalidate(String conversationId) {
    members.invalidate(conversationId);
  }

  /** Forgets everything (e.g. after a NATS reconnect: notices sent meanwhile were lost). */
  public void invalidateAll() {
    members.invalidateAll();
  }
}
