package dev.parley.migrations;

import java.util.List;

/**
 * What {@link Migrator#migrate} did.
 *
 * @param applied versions applied by this run, oldest first (empty when the schema was current)
 * @param currentVersion the schema version after the run ({@code "0"} when the database has none)
 */
public record MigrationResult(List<String> applied, String currentVersion) {

  public MigrationResult {
    applied = List.copyOf(applied);
  }

  public boolean changed() {
    return !applied.isEmpty();
  }
}
