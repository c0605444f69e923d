package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How long the gateway waits on Postgres, so a slow or locked database answers 503 {@code
 * unavailable} quickly instead of piling requests up: a bounded queue for a pooled connection and a
 * limit on the wait for one, {@code statement_timeout} and {@code lock_timeout} on every connection,
 * and a limit on each stream write made while a conversation's row is locked (see {@code
 * ConversationLog}), so the lock is never held for long and waiters behind it fail fast.
 *
 * @param waitQueue {@code PARLEY_PG_POOL_WAIT_QUEUE}: requests that may wait for a pooled connection (more: 503)
 * @param acquireTimeout {@code PARLEY_PG_ACQUIRE_TIMEOUT}: longest wait for a pooled connection (then 503)
 * @param statementTimeout {@code PARLEY_PG_STATEMENT_TIMEOUT}: Postgres cancels a statement running longer
 * @param lockTimeout {@code PARLEY_PG_LOCK_TIMEOUT}: Postgres gives up waiting for a lock after this long
 * @param lockedPublishTimeout {@code PARLEY_LOCKED_PUBLISH_TIMEOUT}: longest wait for the stream's ack of
 *     an event written while a conversation's row is locked (then the change rolls back with 503)
 * @param startupWait {@code PARLEY_PG_STARTUP_WAIT}: how long a starting gateway keeps trying to reach
 *     Postgres for its schema check before it gives up
 * @param connectTimeout {@code PARLEY_PG_CONNECT_TIMEOUT}: longest wait for a new connection to
 *     Postgres, so reads answer 503 quickly while it is unreachable (sends never wait on it)
 */
public record DatabaseLimits(
    int waitQueue,
    Duration acquireTimeout,
    Duration statementTimeout,
    Duration lockTimeout,
    Duration lockedPublishTimeout,
    Duration startupWait,
    Duration connectTimeout) {

  public static DatabaseLimits fromEnv(Env env) {
    DatabaseLimits limits =
        new DatabaseLimits(
            env.integer("PARLEY_PG_POOL_WAIT_QUEUE", 1024, 0, 100_000),
            env.duration("PARLEY_PG_ACQUIRE_TIMEOUT", Duration.ofSeconds(2)),
            env.duration("PARLEY_PG_STATEMENT_TIMEOUT", Duration.ofSeconds(5)),
            env.duration("PARLEY_PG_LOCK_TIMEOUT", Duration.ofSeconds(2)),
            env.duration("PARLEY_LOCKED_PUBLISH_TIMEOUT", Duration.ofSeconds(2)),
            env.duration("PARLEY_PG_STARTUP_WAIT", Duration.ofSeconds(60)),
            env.duration("PARLEY_PG_CONNECT_TIMEOUT", Duration.ofSeconds(2)));
    // zero would mean "wait forever" to the pool and to Postgres: exactly what these settings
    // prevent
    if (limits.acquireTimeout.isZero()
        || limits.statementTimeout.isZero()
        || limits.lockTimeout.isZero()
        || limits.lockedPublishTimeout.isZero()
        || limits.connectTimeout.isZero()) {
      throw new ConfigException(
          "PARLEY_PG_ACQUIRE_TIMEOUT, PARLEY_PG_STATEMENT_TIMEOUT, PARLEY_PG_LOCK_TIMEOUT, "
              + "PARLEY_PG_CONNECT_TIMEOUT and PARLEY_LOCKED_PUBLISH_TIMEOUT must be longer than zero");
    }
    return limits;
  }

  /** The pool's size, its bounded wait queue and its limit on waiting for a connection. */
  public PoolOptions poolOptions(int size) {
    return new PoolOptions()
        .setMaxSize(size)
        .setMaxWaitQueueSize(waitQueue)
        .setConnectionTimeout((int) acquireTimeout.toMillis())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** Sets the timeouts as session settings of every connection (sent at connect, no extra round trip). */
  public PgConnectOptions applyTo(PgConnectOptions options) {
    return options
        .addProperty("statement_timeout", Long.toString(statementTimeout.toMillis()))
        .addProperty("lock_timeout", Long.toString(lockTimeout.toMillis()));
  }
}
