package dev.parley.testing;

import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.migrations.Migrator;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.vertx.sqlclient.Pool;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tearing a test environment down: every step runs even when an earlier one failed, each failure
 * is logged with what it was doing, and the first is rethrown at the end with the rest suppressed.
 */
final class Cleanup {

  private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);
  private static final int STREAM_NOT_FOUND = 10059;

  private final String owner;
  private RuntimeException failure;

  Cleanup(String owner) {
    this.owner = owner;
  }

  interface Step {
    void run() throws Exception;
  }

  void run(String what, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("{}: cannot {}: {}", owner, what, e.toString());
      RuntimeException wrapped = new IllegalStateException(owner + ": cannot " + what, e);
      if (failure == null) {
        failure = wrapped;
      } else {
        failure.addSuppressed(wrapped);
      }
    }
  }

  /**
   * Closing a Vertx closes the pools made on it, and closing such a pool again is rejected by its
   * terminated event loop: that is success. A pool that does not close in time is ended by
   * dropping the database.
   */
  void closePool(Pool pool) {
    run(
        "close a pg pool",
        () -> {
          try {
            pool.close().await(5, TimeUnit.SECONDS);
          } catch (RejectedExecutionException alreadyClosedWithItsVertx) {
            // nothing left to close
          } catch (TimeoutException e) {
            LOG.warn(
                "{}: a pg pool did not close within 5s; dropping the database ends its connections",
                owner);
          }
        });
  }

  void closeNats(Connection connection) {
    run("close a nats connection", connection::close);
  }

  void throwIfFailed() {
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Deletes the test's stream and, where a test ran with several partitions, each partition's:
   * every stream on the test's own subject prefix.
   */
  static void deleteStream(NatsSettings nats) throws Exception {
    try (Connection c = TestEnvironment.connectNats(nats.url())) {
      var jsm = c.jetStreamManagement();
      for (String name : jsm.getStreamNames(nats.subjects().allStreamSubjects())) {
        try {
          jsm.deleteStream(name);
        } catch (JetStreamApiException e) {
          if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
            throw e;
          }
        }
      }
    }
  }

  /** SCAN, not KEYS: the Redis may be shared with other test runs. */
  static void deleteKeys(RedisClient client, String prefix) {
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(500);
      KeyScanCursor<String> cursor = redis.scan(args);
      while (true) {
        if (!cursor.getKeys().isEmpty()) {
          redis.del(cursor.getKeys().toArray(new String[0]));
        }
        if (cursor.isFinished()) {
          break;
        }
        cursor = redis.scan(cursor, args);
      }
    }
  }

  /** WITH (FORCE) ends sessions still connected (pools a test forgot, a killed process's leftovers). */
  static void dropDatabase(PostgresSettings db) throws SQLException {
    String name = Migrator.validDatabaseName(db.database());
    PostgresSettings maintenance = db.withDatabase("postgres");
    Properties props = new Properties();
    props.setProperty("user", maintenance.user());
    props.setProperty("password", maintenance.password() == null ? "" : maintenance.password());
    try (java.sql.Connection c = DriverManager.getConnection(maintenance.jdbcUrl(), props);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    }
  }
}
