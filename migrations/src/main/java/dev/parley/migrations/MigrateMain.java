package dev.parley.migrations;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import dev.parley.contract.config.PostgresSettings;

/**
 * {@code java -jar migrations/target/migrations-all.jar}: creates the database if missing and applies every pending
 * migration. Prints one line saying where the schema stands; on failure one line saying why, and
 * exits 1.
 */
public final class MigrateMain {

  static final String JAR_NAME = "migrations-all.jar";

  private MigrateMain() {}

  public static void main(String[] args) {
    try {
      System.out.println(run(PostgresSettings.fromEnv(Env.system())));
    } catch (ConfigException | MigrationException e) {
      System.err.println("migrate failed: " + e.getMessage());
      System.exit(1);
    } catch (RuntimeException e) {
      // Not a failure we anticipated: still one line, with the type to search for.
      System.err.println("migrate failed: " + e);
      System.exit(1);
    }
  }

  /** Does the work and returns the line to print. */
  static String run(PostgresSettings settings) {
    boolean created = Migrator.createDatabaseIfMissing(settings);
    MigrationResult result = Migrator.migrate(settings);
    return summary(settings, created, result);
  }

  static String summary(PostgresSettings settings, boolean created, MigrationResult result) {
    int n = result.applied().size();
    return "database "
        + settings.database()
        + " at "
        + settings.host()
        + ":"
        + settings.port()
        + (created ? " (created)" : "")
        + ": schema at version "
        + result.currentVersion()
        + (n == 0 ? " (up to date)" : " (applied " + n + (n == 1 ? " migration)" : " migrations)"));
  }
}
