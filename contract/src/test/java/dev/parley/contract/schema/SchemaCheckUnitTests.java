package dev.parley.contract.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaCheckUnitTests {

  @Test
  void emptyDatabaseMessageSaysNothingIsAppliedAndWhatToRun() {
    SchemaOutdatedException e = SchemaCheck.outdated(Set.of(), Migrations.BUNDLED);

    assertThat(e.getMessage())
        .startsWith(
            "database schema is at version 0 (no migrations applied) but this node needs version "
                + Migrations.LATEST_VERSION)
        .contains("missing V1__schema")
        .contains("run \"make migrate\" (or java -jar migrations-all.jar) first");
  }

  @Test
  void partlyMigratedDatabaseMessageNamesTheHighestAppliedVersion() {
    SchemaOutdatedException e =
        SchemaCheck.outdated(
            Set.of("1", "1.1", "2"), List.of(new Migrations.Migration("3", "reactions")));

    assertThat(e.getMessage())
        .startsWith("database schema is at version 2 but this node needs version")
        .contains("missing V3__reactions");
  }

  @Test
  void versionsCompareNumericallyPartByPart() {
    assertThat(SchemaCheck.compareVersions("10", "9")).isPositive();
    assertThat(SchemaCheck.compareVersions("1.2", "1.10")).isNegative();
    assertThat(SchemaCheck.compareVersions("2", "2.0")).isZero();
  }
}
