package dev.parley.gateway.conversations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.gateway.http.ApiException;
import dev.parley.gateway.http.Failures;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Who belongs to a conversation, cached so the send path needs no database round trip (and keeps
 * working while Postgres is down). Entries are dropped on every membership change any gateway
 * announces, and expire anyway as a backstop for a lost announcement. Only a cached "yes" is
 * trusted: a user not in the cached set is looked up again, so someone just added is never refused.
 */
public final class MembershipCache {
  static final String MEMBERS = """
      SELECT m.user_id FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.conversation_id = $1 AND c.deleted_at IS NULL
      """;

  private final Pool pool;
  private final Cache<String, Set<String>> members;

  public MembershipCache(Pool pool, Duration ttl) {
    this.pool = pool;
    this.members = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(ttl).build();
  }

  private Future<Set<String>> load(String conversationId) {
    return pool.preparedQuery(MEMBERS).execute(Tuple.of(conversationId))
        .recover(Failures::database)
        .map(rows -> {
          Set<String> ids = new HashSet<>();
          for (Row r : rows) {
            ids.add(r.getString(0));
          }
          Set<String> frozen = Set.copyOf(ids);
          if (!frozen.isEmpty()) {
            members.put(conversationId, frozen);
          }
          return frozen;
        });
  }

  /** Succeeds when the user is a member; a non-member learns nothing (404, as for a missing conversation). */
  public Future<Set<String>> requireMember(String conversationId, String userId) {
    Set<String> cached = members.getIfPresent(conversationId);
    // a cached "no" is checked again: the user may have been added on another node a moment ago,
    // and the notice that drops this entry may not be here yet
    Future<Set<String>> ids = cached != null && cached.contains(userId) ? Future.succeededFuture(cached) : load(conversationId);
    return ids.compose(found -> found.contains(userId)
        ? Future.succeededFuture(found)
        : Future.failedFuture(ApiException.notFound("conversation not found")));
  }

  public void invalidate(String conversationId) {
    members.invalidate(conversationId);
  }
}
