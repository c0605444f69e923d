package dev.parley.contract.schema;

import dev.parley.contract.schema.Migrations.Migration;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check every node runs at start: does the database have every migration this build needs? It
 * reads Flyway's history table over the non-blocking client, so nodes need neither Flyway nor JDBC.
 * Nodes never migrate by themselves (several starting at once would race, and an operator should
 * choose when the schema changes); they refuse to start and say what to run instead. A database
 * newer than this build is fine: migrations only add.
 */
public final class SchemaCheck {
  private static final Logger log = LoggerFactory.getLogger(SchemaCheck.class);

  /** The migrator operators run, named in the message of an outdated schema. */
  static final String MIGRATOR_JAR = "migrations-all.jar";

  /** Between two tries while Postgres cannot answer at start. */
  private static final long RETRY_MS = 1000;

  static final String APPLIED_VERSIONS =
      "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL";
  private static final String UNDEFINED_TABLE = "42P01";

  private SchemaCheck() {}

  /** Succeeds when every bundled migration is applied; else fails with {@link SchemaOutdatedException}. */
  public static Future<Void> verify(SqlClient client) {
    return appliedVersions(client)
        .compose(
            applied -> {
              List<Migration> missing =
                  Migrations.BUNDLED.stream()
                      .filter(m -> !applied.contains(m.version()))
                      .collect(Collectors.toList());
              return missing.isEmpty()
                  ? Future.succeededFuture()
                  : Future.failedFuture(outdated(applied, missing));
            });
  }

  /**
   * {@link #verify}, tried again every second while Postgres cannot answer (not up yet, slow to
   * accept a connection under load, a network blip), for at most {@code within}: a node started
   * beside its database, or while it restarts, comes up once it answers instead of failing at
   * once. An outdated schema fails at once: waiting cannot mend it.
   */
  public static Future<Void> verifyWithin(Vertx vertx, SqlClient client, Duration within) {
    Promise<Void> done = Promise.promise();
    attempt(vertx, client, System.nanoTime() + within.toNanos(), done);
    return done.future();
  }

  private static void attempt(Vertx vertx, SqlClient client, long deadline, Promise<Void> done) {
    verify(client)
        .onComplete(
            ar -> {
              if (ar.succeeded()
                  || ar.cause() instanceof SchemaOutdatedException
                  || System.nanoTime() - deadline >= 0) {
                done.handle(ar);
                return;
              }
              log.warn(
                  "Postgres cannot answer the schema check yet ({}); trying again in {} ms",
                  ar.cause().toString(),
                  RETRY_MS);
              vertx.setTimer(RETRY_MS, t -> attempt(vertx, client, deadline, done));
            });
  }

  /** Versions successfully applied; empty when Flyway never ran on this database. */
  public static Future<Set<String>> appliedVersions(SqlClient client) {
    return client
        .query(APPLIED_VERSIONS)
        .execute()
        .<Set<String>>map(
            rows -> {
              Set<String> versions = new HashSet<>();
              for (Row row : rows) {
                versions.add(row.getString(0));
              }
              return versions;
            })
        .recover(
            e -> isUndefinedTable(e) ? Future.succeededFuture(Set.of()) : Future.failedFuture(e));
  }

  private static boolean isUndefinedTable(Throwable e) {
    return e instanceof DatabaseException
        && UNDEFINED_TABLE.equals(((DatabaseException) e).getSqlState());
  }

  static SchemaOutdatedException outdated(Set<String> applied, List<Migration> missing) {
    String current = applied.stream().max(SchemaCheck::compareVersions).orElse("0");
    List<String> names = new ArrayList<>();
    for (Migration m : missing) {
      names.add(m.scriptName());
    }
    return new SchemaOutdatedException(
        "database schema is at version "
            + current
            + (applied.isEmpty() ? " (no migrations applied)" : "")
            + " but this node needs version "
            + Migrations.LATEST_VERSION
            + ": missing "
            + String.join(", ", names)
            + "; run \"make migrate\" (or java -jar "
            + MIGRATOR_JAR
            + ") first");
  }

  /** Flyway versions are dot-separated numbers ({@code 1}, {@code 1.2}); compare part by part. */
  public static int compareVersions(String a, String b) {
    String[] pa = a.split("[._]");
    String[] pb = b.split("[._]");
    for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
      long x = i < pa.length ? parse(pa[i]) : 0;
      long y = i < pb.length ? parse(pb[i]) : 0;
      if (x != y) {
        return Long.compare(x, y);
      }
    }
    return 0;
  }

  private static long parse(String part) {
    try {
      return Long.parseLong(part);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
