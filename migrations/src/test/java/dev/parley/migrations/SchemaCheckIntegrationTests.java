package dev.parley.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.schema.Migrations;
import dev.parley.contract.schema.SchemaCheck;
import dev.parley.contract.schema.SchemaOutdatedException;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchemaCheckIntegrationTests {

  private final TestDatabases databases = new TestDatabases();
  private Vertx vertx;
  private PostgresSettings db;
  private Pool pool;

  @BeforeEach
  void emptyDatabase() {
    vertx = Vertx.vertx();
    db = databases.newName();
    Migrator.createDatabaseIfMissing(db);
    pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(1))
            .connectingTo(db.connectOptions())
            .using(vertx)
            .build();
  }

  @AfterEach
  void cleanUp() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    databases.dropAll();
  }

  @Test
  void emptyDatabaseFailsNamingTheMissingMigration() {
    assertThatThrownBy(() -> SchemaCheck.verify(pool).await(10, TimeUnit.SECONDS))
        .isInstanceOf(SchemaOutdatedException.class)
        .hasMessageStartingWith(
            "database schema is at version 0 (no migrations applied) but this node needs version "
                + Migrations.LATEST_VERSION)
        .hasMessageContaining("missing V1__schema")
        .hasMessageContaining("make migrate");
  }

  @Test
  void migratedDatabasePasses() throws Exception {
    Migrator.migrate(db);

    SchemaCheck.verify(pool).await(10, TimeUnit.SECONDS);

    assertThat(SchemaCheck.appliedVersions(pool).await(10, TimeUnit.SECONDS))
        .containsExactlyInAnyOrderElementsOf(
            Migrations.BUNDLED.stream().map(Migrations.Migration::version).toList());
  }

  @Test
  void newerDatabaseThanThisBuildPasses() throws Exception {
    Migrator.migrate(db);
    pool.query(
            "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                + " checksum, installed_by, execution_time, success) VALUES (99, '999', 'future', 'SQL', 'V999__future.sql',"
                + " 0, 'postgres', 0, true)")
        .execute()
        .await(10, TimeUnit.SECONDS);

    SchemaCheck.verify(pool).await(10, TimeUnit.SECONDS);
  }

  @Test
  void aDatabaseThatAnswersLateIsWaitedForWithinTheWindow() throws Exception {
    Migrator.migrate(db);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // nothing listens there once closed: connections are refused
    }
    Pool nowhere =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(1))
            .connectingTo(db.connectOptions().setPort(port))
            .using(vertx)
            .build();
    long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                SchemaCheck.verifyWithin(vertx, nowhere, Duration.ofMillis(2500))
                    .await(20, TimeUnit.SECONDS))
        .as("unreachable for the whole window: the last failure, after it")
        .isNotInstanceOf(SchemaOutdatedException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(2500));

    SchemaCheck.verifyWithin(vertx, pool, Duration.ofSeconds(30)).await(20, TimeUnit.SECONDS);
  }

  @Test
  void anOutdatedSchemaFailsAtOnceWhateverTheWindow() {
    long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                SchemaCheck.verifyWithin(vertx, pool, Duration.ofMinutes(5))
                    .await(20, TimeUnit.SECONDS))
        .isInstanceOf(SchemaOutdatedException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }
}
