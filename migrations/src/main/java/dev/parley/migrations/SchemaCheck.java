package dev.parley.migrations;

import dev.parley.migrations.Migrations.Migration;
import io.vertx.core.Future;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The check every node runs at start: does the database have every migration this build needs?
 * Nodes never migrate by themselves (several starting at once would race, and an operator should
 * choose when the schema changes); they refuse to start and say what to run instead. A database
 * newer than this build is fine: migrations only add.
 */
public final class SchemaCheck {

  static final String APPLIED_VERSIONS =
      "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL";
  private static final String UNDEFINED_TABLE = "42P01";

  private SchemaCheck() {
  }

  /** Succeeds when every bundled migration is applied; else fails with {@link SchemaOutdatedException}. */
  public static Future<Void> verify(SqlClient client) {
    return appliedVersions(client).compose(applied -> {
      List<Migration> missing = Migrations.BUNDLED.stream()
          .filter(m -> !applied.contains(m.version()))
          .collect(Collectors.toList());
      return missing.isEmpty() ? Future.succeededFuture() : Future.failedFuture(outdated(applied, missing));
    });
  }

  /** Versions successfully applied; empty when Flyway never ran on this database. */
  static Future<Set<String>> appliedVersions(SqlClient client) {
    return client.query(APPLIED_VERSIONS).execute()
        .<Set<String>>map(rows -> {
          Set<String> versions = new HashSet<>();
          for (Row row : rows) {
            versions.add(row.getString(0));
          }
          return versions;
        })
        .recover(e -> isUndefinedTable(e) ? Future.succeededFuture(Set.of()) : Future.failedFuture(e));
  }

  private static boolean isUndefinedTable(Throwable e) {
    return e instanceof DatabaseException && UNDEFINED_TABLE.equals(((DatabaseException) e).getSqlState());
  }

  static SchemaOutdatedException outdated(Set<String> applied, List<Migration> missing) {
    String current = applied.stream().max(SchemaCheck::compareVersions).orElse("0");
    List<String> names = new ArrayList<>();
    for (Migration m : missing) {
      names.add(m.scriptName());
    }
    return new SchemaOutdatedException("database schema is at version " + current
        + (applied.isEmpty() ? " (no migrations applied)" : "")
        + " but this node needs version " + Migrations.LATEST_VERSION
        + ": missing " + String.join(", ", names)
        + "; run \"make migrate\" (or java -jar " + MigrateMain.JAR_NAME + ") first");
  }

  /** Flyway versions are dot-separated numbers ({@code 1}, {@code 1.2}); compare part by part. */
  static int compareVersions(String a, String b) {
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
