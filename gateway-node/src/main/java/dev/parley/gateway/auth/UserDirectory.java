package dev.parley.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.gateway.failure.Failures;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates a user's row on first authenticated use and refreshes its name. Known (id, name) pairs
 * are cached, so the steady state costs no database write per request, and a cached user keeps
 * working while Postgres is down.
 */
public final class UserDirectory {
  static final String UPSERT =
      """
      INSERT INTO users (id, name) VALUES ($1, $2)
      ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
        WHERE EXCLUDED.name IS NOT NULL AND users.name IS DISTINCT FROM EXCLUDED.name
      """;

  private final Pool pool;
  private final Cache<String, Optional<String>> known =
      Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(Duration.ofMinutes(30)).build();

  public UserDirectory(Pool pool) {
    this.pool = pool;
  }

  public Future<AuthenticatedUser> ensure(AuthenticatedUser user) {
    Optional<String> cached = known.getIfPresent(user.userId());
    if (cached != null
        && (user.name() == null || Objects.equals(cached.orElse(null), user.name()))) {
      return Future.succeededFuture(user);
    }
    return pool.preparedQuery(UPSERT)
        .execute(Tuple.of(user.userId(), user.name()))
        .recover(Failures::database)
        .map(
            rows -> {
              known.put(user.userId(), Optional.ofNullable(user.name()));
              return user;
            });
  }
}
