package dev.parley.gateway.failure;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;

/** Turns dependency failures into the contract's error codes, in one place. */
public final class Failures {
  private Failures() {}

  /** For {@code .recover(Failures::database)} on every Postgres call. */
  public static <T> Future<T> database(Throwable e) {
    if (e instanceof ApiException) {
      return Future.failedFuture(e);
    }
    if (e instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      // 08: connection exceptions; 57P: operator intervention (shutdown); 53: insufficient
      // resources;
      // 57014: statement_timeout cancelled it; 55P03: lock_timeout gave up waiting for a lock
      if (state.startsWith("08")
          || state.startsWith("57P")
          || state.startsWith("53")
          || "57014".equals(state)
          || "55P03".equals(state)) {
        return Future.failedFuture(
            ApiException.unavailable("the database is unavailable; retry shortly", e));
      }
      return Future.failedFuture(e);
    }
    // Connection refused, pool closed, the pool's wait queue full or its wait timed out: the
    // database is not reachable (or too busy) now.
    return Future.failedFuture(
        ApiException.unavailable("the database is unavailable; retry shortly", e));
  }
}
