package dev.parley.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.PostgresSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigratorUnitTests {

  @Test
  void plainIdentifiersAreValidDatabaseNames() {
    assertThat(Migrator.validDatabaseName("parley")).isEqualTo("parley");
    assertThat(Migrator.validDatabaseName("parley_t_ab12")).isEqualTo("parley_t_ab12");
  }

  @Test
  void namesThatWouldNeedEscapingAreRefused() {
    for (String bad :
        List.of("", "1parley", "par\"ley", "parley; DROP DATABASE x", "a-b", "x".repeat(64))) {
      assertThatThrownBy(() -> Migrator.validDatabaseName(bad))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("PARLEY_PG_DATABASE");
    }
  }

  @Test
  void unreachableServerIsReportedWithHostAndPort() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    PostgresSettings nowhere = new PostgresSettings("127.0.0.1", 1, "parley", "postgres", "", 1);

    assertThatThrownBy(() -> Migrator.createDatabaseIfMissing(nowhere))
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("127.0.0.1:1")
        .hasMessageContaining("unreachable");
    assertThatThrownBy(() -> Migrator.migrate(nowhere))
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("database parley at 127.0.0.1:1")
        .hasMessageContaining("unreachable");
  }

  @Test
  void summaryLineSaysWhereAndWhat() {
    PostgresSettings s = new PostgresSettings("127.0.0.1", 5432, "parley", "postgres", "", 1);

    assertThat(MigrateMain.summary(s, false, new MigrationResult(List.of("1"), "1")))
        .isEqualTo("database parley at 127.0.0.1:5432: schema at version 1 (applied 1 migration)");
    assertThat(MigrateMain.summary(s, false, new MigrationResult(List.of(), "1")))
        .isEqualTo("database parley at 127.0.0.1:5432: schema at version 1 (up to date)");
  }
}
