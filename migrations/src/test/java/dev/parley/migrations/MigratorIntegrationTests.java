package dev.parley.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.schema.Migrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against the real PostgreSQL on PARLEY_TEST_PG_HOST/PORT (default 127.0.0.1:5432, user postgres). */
class MigratorIntegrationTests {

  private final TestDatabases databases = new TestDatabases();

  @AfterEach
  void dropDatabases() {
    databases.dropAll();
  }

  @Test
  void freshDatabaseIsCreatedAndMigratedToTheLatestVersion() throws SQLException {
    PostgresSettings db = databases.newName();

    assertThat(Migrator.createDatabaseIfMissing(db)).isTrue();
    MigrationResult result = Migrator.migrate(db);

    assertThat(result.applied()).containsExactly("1", "5", "6", "8");
    assertThat(result.currentVersion()).isEqualTo(Migrations.LATEST_VERSION);
    assertThat(tables(db))
        .contains(
            "users",
            "conversations",
            "members",
            "messages",
            "reactions",
            "files",
            "attachments",
            "undeliverable_events",
            "dead_letters",
            "flyway_schema_history");
  }

  @Test
  void creatingAnExistingDatabaseIsANoOp() {
    PostgresSettings db = databases.newName();

    assertThat(Migrator.createDatabaseIfMissing(db)).isTrue();
    assertThat(Migrator.createDatabaseIfMissing(db)).isFalse();
  }

  @Test
  void migratingTwiceAppliesNothingTheSecondTime() {
    PostgresSettings db = databases.newName();
    Migrator.createDatabaseIfMissing(db);
    Migrator.migrate(db);

    MigrationResult again = Migrator.migrate(db);

    assertThat(again.applied()).isEmpty();
    assertThat(again.changed()).isFalse();
    assertThat(again.currentVersion()).isEqualTo(Migrations.LATEST_VERSION);
  }

  @Test
  void mainRunCreatesMigratesAndSummarises() {
    PostgresSettings db = databases.newName();

    String line = MigrateMain.run(db);

    assertThat(line)
        .isEqualTo(
            "database "
                + db.database()
                + " at "
                + db.host()
                + ":"
                + db.port()
                + " (created): schema at version 8 (applied 4 migrations)");
  }

  private static List<String> tables(PostgresSettings db) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = Migrator.connect(db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
