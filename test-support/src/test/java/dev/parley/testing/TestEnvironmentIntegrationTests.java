package dev.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.config.Env;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.config.RedisSettings;
import dev.parley.contract.schema.SchemaCheck;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Creates and closes environments by hand, to see what close() leaves behind (nothing). */
class TestEnvironmentIntegrationTests {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void databaseExistsWithTheSchemaAndCloseDropsIt() throws Exception {
    TestEnvironment env = TestEnvironment.create();
    PostgresSettings pg = env.postgres();
    assertThat(pg.database()).isEqualTo("parley_t_" + env.id());
    Pool pool = env.pgPool(vertx);

    SchemaCheck.verify(pool).await(10, TimeUnit.SECONDS);
    assertThat(
            pool.query("SELECT count(*) FROM users")
                .execute()
                .await(5, TimeUnit.SECONDS)
                .iterator()
                .next()
                .getLong(0))
        .isZero();
    assertThat(databaseExists(pg)).isTrue();

    env.close();

    assertThat(databaseExists(pg)).isFalse();
  }

  @Test
  void closeDeletesTheStreamAndTheRedisKeys() throws Exception {
    TestEnvironment env = TestEnvironment.create();
    NatsSettings nats = env.nats();
    JetStreamManagement jsm = env.natsConnection().jetStreamManagement();
    jsm.addStream(
        StreamConfiguration.builder()
            .name(nats.streamName())
            .subjects(nats.subjectPrefix() + ".>")
            .build());
    StatefulRedisConnection<String, String> redis = env.redisConnection();
    redis.sync().set(env.redis().keyPrefix() + ":a", "1");
    redis.sync().set(env.redis().keyPrefix() + ":b", "2");

    env.close();

    try (Connection c = TestEnvironment.connectNats(nats.url())) {
      assertThat(streamExists(c.jetStreamManagement(), nats.streamName())).isFalse();
    }
    RedisClient client = RedisClient.create(env.redis().url());
    try (StatefulRedisConnection<String, String> check = client.connect()) {
      assertThat(check.sync().keys(env.redis().keyPrefix() + "*")).isEmpty();
    } finally {
      client.shutdown();
    }
  }

  @Test
  void closeIsIdempotentAndClosesHandedOutConnections() {
    TestEnvironment env = TestEnvironment.create();
    Connection nats = env.natsConnection();

    env.close();
    env.close();

    assertThat(nats.getStatus()).isEqualTo(Connection.Status.CLOSED);
  }

  @Test
  void closeSucceedsWhenThePoolsVertxIsAlreadyClosed() throws Exception {
    // The usual order with VertxExtension: its Vertx closes after each test, the environment after
    // the class.
    TestEnvironment env = TestEnvironment.create();
    Vertx perTest = Vertx.vertx();
    Pool pool = env.pgPool(perTest);
    pool.query("SELECT 1").execute().await(5, TimeUnit.SECONDS);
    perTest.close().await(10, TimeUnit.SECONDS);

    env.close();

    assertThat(databaseExists(env.postgres())).isFalse();
  }

  @Test
  void settingsAreIsolatedAndReadBackFromTheirEnv() {
    try (TestEnvironment a = TestEnvironment.create();
        TestEnvironment b = TestEnvironment.create()) {
      assertThat(a.postgres().database()).isNotEqualTo(b.postgres().database());
      assertThat(a.nats().subjectPrefix())
          .isEqualTo("t" + a.id())
          .isNotEqualTo(b.nats().subjectPrefix());
      assertThat(a.nats().streamName()).isEqualTo("T" + a.id().toUpperCase() + "_EVENTS");
      assertThat(a.nats().duplicateWindow()).hasMinutes(2);
      assertThat(a.nats().streamMaxAge()).hasHours(1);
      assertThat(a.redis().keyPrefix()).isEqualTo("parley-t-" + a.id());

      Env env = a.env(Map.of("PARLEY_HTTP_PORT", "0"));
      assertThat(PostgresSettings.fromEnv(env)).isEqualTo(a.postgres());
      assertThat(NatsSettings.fromEnv(env)).isEqualTo(a.nats());
      assertThat(RedisSettings.fromEnv(env)).isEqualTo(a.redis());
      assertThat(env.optional("PARLEY_HTTP_PORT")).contains("0");
    }
  }

  @Test
  void newIdsAreUniqueAndValidUserIds() {
    try (TestEnvironment env = TestEnvironment.create()) {
      String alice = env.newId("alice");
      assertThat(alice).startsWith("alice-").matches("[A-Za-z0-9._:@-]{1,128}");
      assertThat(env.newId("alice")).isNotEqualTo(alice);
      assertThat(env.newId("b o b!")).startsWith("bob-");
    }
  }

  private static boolean databaseExists(PostgresSettings pg) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", pg.user());
    props.setProperty("password", pg.password());
    try (java.sql.Connection c =
            DriverManager.getConnection(pg.withDatabase("postgres").jdbcUrl(), props);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + pg.database() + "'")) {
      return rs.next();
    }
  }

  private static boolean streamExists(JetStreamManagement jsm, String name) throws Exception {
    try {
      jsm.getStreamInfo(name);
      return true;
    } catch (JetStreamApiException e) {
      return false;
    }
  }
}
