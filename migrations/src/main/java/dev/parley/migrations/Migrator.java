package dev.parley.migrations;

import dev.parley.contract.config.PostgresSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates the database and applies the bundled migrations. Blocking (JDBC and Flyway): call it from
 * a main thread, a test thread or {@code executeBlocking}, never from an event loop.
 */
public final class Migrator {

  /** Names we are willing to put in CREATE DATABASE: plain identifiers, so quoting is enough. */
  /** Where Flyway finds the SQL, on the classpath of this module. */
  public static final String LOCATION = "classpath:db/migration";

  private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private static final String MAINTENANCE_DATABASE = "postgres";
  private static final String DUPLICATE_DATABASE = "42P04";
  private static final String UNIQUE_VIOLATION = "23505";

  private Migrator() {}

  /**
   * Creates {@code settings.database()} if it does not exist, connecting to the {@code postgres}
   * maintenance database. Returns true when this call created it. Safe to race with another
   * process doing the same.
   */
  public static boolean createDatabaseIfMissing(PostgresSettings settings) {
    String name = validDatabaseName(settings.database());
    PostgresSettings maintenance = settings.withDatabase(MAINTENANCE_DATABASE);
    try (Connection c = connect(maintenance)) {
      try (PreparedStatement exists =
          c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, name);
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (Statement create = c.createStatement()) {
        create.execute("CREATE DATABASE \"" + name + "\"");
        return true;
      } catch (SQLException e) {
        // Someone else created it between our check and our CREATE: that is what we wanted.
        if (DUPLICATE_DATABASE.equals(e.getSQLState())
            || UNIQUE_VIOLATION.equals(e.getSQLState())) {
          return false;
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure("cannot create database " + name, settings, e);
    }
  }

  /** Applies every pending bundled migration to {@code settings.database()}. */
  public static MigrationResult migrate(PostgresSettings settings) {
    validDatabaseName(settings.database());
    Flyway flyway =
        Flyway.configure()
            .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
            .locations(LOCATION)
            .validateMigrationNaming(true)
            .failOnMissingLocations(true)
            .loggers("slf4j")
            .load();
    MigrateResult result;
    try {
      result = flyway.migrate();
    } catch (FlywayException e) {
      throw failure("cannot migrate database " + settings.database(), settings, e);
    }
    List<String> applied = new ArrayList<>();
    for (MigrateOutput m : result.migrations) {
      applied.add(m.version);
    }
    String current =
        result.targetSchemaVersion != null
            ? result.targetSchemaVersion
            : result.initialSchemaVersion != null ? result.initialSchemaVersion : "0";
    return new MigrationResult(applied, current);
  }

  /** Throws when {@code name} is not a plain identifier we can safely quote in DDL. */
  public static String validDatabaseName(String name) {
    if (name == null || !DATABASE_NAME.matcher(name).matches()) {
      throw new MigrationException(
          "database name '"
              + name
              + "' is not allowed: use 1 to 63 letters, digits and"
              + " '_', not starting with a digit (PARLEY_PG_DATABASE)");
    }
    return name;
  }

  static Connection connect(PostgresSettings settings) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    if (settings.password() != null) {
      props.setProperty("password", settings.password());
    }
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(settings.jdbcUrl(), props);
  }

  /** One message naming where we tried, and for "cannot connect" what to check. */
  private static MigrationException failure(String what, PostgresSettings settings, Throwable e) {
    String where =
        " at " + settings.host() + ":" + settings.port() + " (user " + settings.user() + ")";
    SQLException sql = findSqlException(e);
    String reason = sql != null ? sql.getMessage() : e.getMessage();
    if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
      return new MigrationException(
          what
              + where
              + ": PostgreSQL is unreachable ("
              + reason
              + "); is it running? check PARLEY_PG_HOST/PARLEY_PG_PORT or run \"make services\"",
          e);
    }
    return new MigrationException(what + where + ": " + firstLine(reason), e);
  }

  private static SQLException findSqlException(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return (SQLException) t;
      }
    }
    return null;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    String trimmed = s.strip();
    int nl = trimmed.indexOf('\n');
    return nl < 0 ? trimmed : trimmed.substring(0, nl);
  }
}
