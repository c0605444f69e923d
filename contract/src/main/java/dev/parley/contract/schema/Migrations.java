package dev.parley.contract.schema;

import java.util.List;

/**
 * The migrations this build bundles, in order. Nodes compare the database against this list at
 * start ({@link SchemaCheck}); the migrations module's unit test keeps it equal to its files under
 * {@code db/migration}. It lives here, not beside the SQL, so that a node knows the schema it needs
 * without carrying Flyway and a JDBC driver.
 */
public final class Migrations {

  /** The schema version this build needs (the last bundled migration). */
  public static final String LATEST_VERSION = "9";

  /** Every bundled migration, oldest first. Add a line here with each new {@code V<n>__<name>.sql}. */
  public static final List<Migration> BUNDLED =
      List.of(
          new Migration("1", "schema"),
          new Migration("5", "search_indexes"),
          new Migration("6", "dead_letters"),
          new Migration("8", "file_quota_and_sweep"),
          new Migration("9", "dead_letters_per_stream"));

  private Migrations() {}

  /** One versioned migration: {@code V<version>__<description>.sql}. */
  public record Migration(String version, String description) {

    /** The script's name without {@code .sql}, as operators see it: {@code V1__schema}. */
    public String scriptName() {
      return "V" + version + "__" + description;
    }
  }
}
