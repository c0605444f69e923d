package dev.parley.migrations;

import dev.parley.contract.config.PostgresSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Random throwaway databases for this module's own tests (test-support depends on this module, so
 * it cannot be used here). Dropped by {@link #dropAll()}.
 */
final class TestDatabases {

  private final List<PostgresSettings> created = new ArrayList<>();

  PostgresSettings newName() {
    Map<String, String> env = System.getenv();
    PostgresSettings s =
        new PostgresSettings(
            env.getOrDefault("PARLEY_TEST_PG_HOST", "127.0.0.1"),
            Integer.parseInt(env.getOrDefault("PARLEY_TEST_PG_PORT", "5432")),
            "parley_mt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12),
            env.getOrDefault("PARLEY_TEST_PG_USER", "postgres"),
            env.getOrDefault("PARLEY_TEST_PG_PASSWORD", ""),
            2);
    created.add(s);
    return s;
  }

  void dropAll() {
    for (PostgresSettings s : created) {
      try (Connection c = Migrator.connect(s.withDatabase("postgres"));
          Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS \"" + s.database() + "\" WITH (FORCE)");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop test database " + s.database(), e);
      }
    }
    created.clear();
  }
}
