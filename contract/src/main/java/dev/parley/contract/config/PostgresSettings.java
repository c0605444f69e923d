package dev.parley.contract.config;

import io.vertx.pgclient.PgConnectOptions;

/** Where PostgreSQL is. Shared by every process that talks to it. */
public record PostgresSettings(
    String host, int port, String database, String user, String password, int poolSize) {

  public static PostgresSettings fromEnv(Env env) {
    return new PostgresSettings(
        env.string("PARLEY_PG_HOST", "127.0.0.1"),
        env.integer("PARLEY_PG_PORT", 5432, 1, 65535),
        env.string("PARLEY_PG_DATABASE", "parley"),
        env.string("PARLEY_PG_USER", "postgres"),
        env.string("PARLEY_PG_PASSWORD", ""),
        env.integer("PARLEY_PG_POOL_SIZE", 8, 1, 200));
  }

  public PostgresSettings withDatabase(String otherDatabase) {
    return new PostgresSettings(host, port, otherDatabase, user, password, poolSize);
  }

  /**
   * The longest statement kept prepared on a connection. The worker's batch insert is about 2,100
   * characters, past the client's default of 2,048, and the statements are fixed text, so the
   * cache holds a few dozen entries whatever the traffic.
   */
  static final int PREPARED_STATEMENT_SQL_LIMIT = 16 * 1024;

  /**
   * Where and as whom the non-blocking client connects; pool sizing stays with each process.
   *
   * <p>Statements stay prepared on each connection: without that every execution is parsed and
   * planned again, which for the worker's batch insert cost more Postgres CPU than the insert
   * itself (1.9 ms against 0.8 ms for a batch of 4 in {@code pgbench}).
   */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlLimit(PREPARED_STATEMENT_SQL_LIMIT);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "postgres://" + user + "@" + host + ":" + port + "/" + database;
  }
}
