package dev.parley.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.schema.Migrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
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

    assertThat(result.applied()).containsExactly("1", "5", "6", "8", "9");
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
                + " (created): schema at version 9 (applied 5 migrations)");
  }

  @Test
  void deadLettersOfEarlierVersionsKeepTheirRowsAndTwoStreamsMayShareASeq() throws SQLException {
    PostgresSettings db = databases.newName();
    Migrator.createDatabaseIfMissing(db);
    Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations(Migrator.LOCATION)
        .target("8")
        .load()
        .migrate();
    try (Connection c = Migrator.connect(db);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO dead_letters (stream_seq, subject, payload, error) VALUES (12, 's.msg', '\\x7b00'::bytea, 'old')");
    }

    assertThat(Migrator.migrate(db).applied()).containsExactly("9");

    try (Connection c = Migrator.connect(db);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO dead_letters (stream, stream_seq, subject, payload, error) VALUES"
              + " ('P_P0_OF_2', 12, 's.msg', '\\x7b'::bytea, 'new'),"
              + " ('P_P1_OF_2', 12, 's.msg', '\\x7b'::bytea, 'new')");
      List<String> rows = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT stream, stream_seq, error, replayed_to_stream FROM dead_letters ORDER BY stream")) {
        while (rs.next()) {
          rows.add(
              rs.getString(1)
                  + "/"
                  + rs.getLong(2)
                  + " "
                  + rs.getString(3)
                  + " "
                  + rs.getString(4));
        }
      }
      assertThat(rows)
          .as("the earlier row has stream '', and each partition's seq 12 is its own row")
          .containsExactly("/12 old null", "P_P0_OF_2/12 new null", "P_P1_OF_2/12 new null");
      assertThatThrownBy(
              () ->
                  s.execute(
                      "INSERT INTO dead_letters (stream, stream_seq, subject, payload, error)"
                          + " VALUES ('P_P1_OF_2', 12, 's.msg', '\\x7b'::bytea, 'again')"))
          .as("one row per stream and seq")
          .isInstanceOf(SQLException.class);
    }
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
