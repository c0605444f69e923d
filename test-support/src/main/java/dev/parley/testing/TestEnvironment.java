package dev.parley.testing;

import dev.parley.contract.config.Env;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.config.RedisSettings;
import dev.parley.migrations.Migrator;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything one test class needs, isolated from every other test: a fresh migrated database, its
 * own NATS subject prefix and stream name, its own Redis key prefix. {@link #close()} removes all
 * of it and closes every client this object handed out. Usually injected by {@link ParleyExtension}.
 *
 * <p>Creating and closing block (JDBC, Flyway, jnats, Lettuce): call them from a test thread, never
 * from an event loop. The accessors are cheap and thread-safe.
 */
public final class TestEnvironment implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final TestServices services;
  private final String id;
  private final Map<String, String> baseEnv;
  private final PostgresSettings postgres;
  private final NatsSettings nats;
  private final RedisSettings redis;
  private final AtomicInteger ids = new AtomicInteger();

  // Clients handed out, closed by close(). Guarded by this.
  private final List<Pool> pools = new ArrayList<>();
  private final List<Connection> natsConnections = new ArrayList<>();
  private Connection sharedNats;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redisConnection;
  private boolean closed;

  private TestEnvironment(TestServices services, String id) {
    this.services = services;
    this.id = id;
    this.baseEnv = buildBaseEnv(services, id);
    Env env = new Env(baseEnv);
    this.postgres = PostgresSettings.fromEnv(env);
    this.nats = NatsSettings.fromEnv(env);
    this.redis = RedisSettings.fromEnv(env);
  }

  /** A new environment on this JVM's {@link TestServices}: database created and migrated. */
  public static TestEnvironment create() {
    return create(TestServices.get());
  }

  public static TestEnvironment create(TestServices services) {
    TestEnvironment env = new TestEnvironment(services, randomId(10));
    Migrator.createDatabaseIfMissing(env.postgres);
    try {
      Migrator.migrate(env.postgres);
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
    return env;
  }

  private static Map<String, String> buildBaseEnv(TestServices services, String id) {
    PostgresSettings server = services.postgres();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PARLEY_PG_HOST", server.host());
    m.put("PARLEY_PG_PORT", Integer.toString(server.port()));
    m.put("PARLEY_PG_DATABASE", "parley_t_" + id);
    m.put("PARLEY_PG_USER", server.user());
    m.put("PARLEY_PG_PASSWORD", server.password());
    m.put("PARLEY_NATS_URL", services.natsUrl());
    m.put("PARLEY_SUBJECT_PREFIX", "t" + id);
    m.put("PARLEY_STREAM_NAME", "T" + id.toUpperCase(Locale.ROOT) + "_EVENTS");
    m.put("PARLEY_DEDUP_WINDOW", "2m");
    m.put("PARLEY_STREAM_MAX_AGE", "1h");
    m.put("PARLEY_REDIS_URL", services.redisUrl());
    m.put("PARLEY_REDIS_KEY_PREFIX", "parley-t-" + id);
    return Map.copyOf(m);
  }

  /** The random part shared by the database name, subject prefix, stream name and key prefix. */
  public String id() {
    return id;
  }

  public TestServices services() {
    return services;
  }

  /** A fresh database {@code parley_t_<id>} with every migration applied. */
  public PostgresSettings postgres() {
    return postgres;
  }

  /** Subject prefix {@code t<id>}, stream {@code T<ID>_EVENTS}, dedup window 2m, max age 1h. */
  public NatsSettings nats() {
    return nats;
  }

  /** Key prefix {@code parley-t-<id>}. */
  public RedisSettings redis() {
    return redis;
  }

  /** The {@code PARLEY_*} variables for all of the above; {@code new Env(baseEnv())} reads them back. */
  public Map<String, String> baseEnv() {
    return baseEnv;
  }

  /** {@link #baseEnv()} plus process-specific variables; an override with a null value removes one. */
  public Env env(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(baseEnv);
    overrides.forEach(
        (k, v) -> {
          if (v == null) {
            merged.remove(k);
          } else {
            merged.put(k, v);
          }
        });
    return new Env(merged);
  }

  public Env env() {
    return new Env(baseEnv);
  }

  /** A pool on the test database, on {@code vertx}. Closed by {@link #close()} (or with vertx). */
  public Pool pgPool(Vertx vertx) {
    Pool pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(4))
            .connectingTo(postgres.connectOptions())
            .using(vertx)
            .build();
    synchronized (this) {
      checkOpen();
      pools.add(pool);
    }
    return pool;
  }

  /** A jnats connection shared by the calls of this test class; closed by {@link #close()}. */
  public synchronized Connection natsConnection() {
    checkOpen();
    if (sharedNats == null) {
      sharedNats = newNatsConnection();
    }
    return sharedNats;
  }

  /** A dedicated jnats connection (e.g. one per simulated node); closed by {@link #close()}. */
  public synchronized Connection newNatsConnection() {
    checkOpen();
    Connection c = connectNats(nats.url());
    natsConnections.add(c);
    return c;
  }

  /** A Lettuce connection to the test Redis (keys are not prefixed for you); closed by {@link #close()}. */
  public synchronized StatefulRedisConnection<String, String> redisConnection() {
    checkOpen();
    if (redisConnection == null) {
      redisConnection = redisClient().connect();
    }
    return redisConnection;
  }

  /** A unique, readable id such as {@code alice-3k9x2}: valid as a user id, conversation name, etc. */
  public String newId(String hint) {
    String clean = hint == null ? "" : hint.replaceAll("[^A-Za-z0-9._-]", "");
    return (clean.isEmpty() ? "id" : clean) + "-" + ids.incrementAndGet() + randomId(4);
  }

  /**
   * Deletes the stream, the Redis keys with this prefix and the database (even with clients still
   * connected), and closes every client handed out. Idempotent; blocking.
   */
  @Override
  public void close() {
    List<Pool> poolsToClose;
    List<Connection> natsToClose;
    StatefulRedisConnection<String, String> redisToClose;
    RedisClient redisClientToClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      poolsToClose = new ArrayList<>(pools);
      natsToClose = new ArrayList<>(natsConnections);
      redisToClose = redisConnection;
      redisClientToClose = redisClient;
    }
    Cleanup cleanup = new Cleanup("test environment " + id);
    poolsToClose.forEach(cleanup::closePool);
    natsToClose.forEach(cleanup::closeNats);
    cleanup.run("delete stream " + nats.streamName(), () -> Cleanup.deleteStream(nats));
    cleanup.run(
        "delete redis keys " + redis.keyPrefix() + "*",
        () -> {
          RedisClient client =
              redisClientToClose != null ? redisClientToClose : RedisClient.create(redis.url());
          try {
            Cleanup.deleteKeys(client, redis.keyPrefix());
          } finally {
            if (redisToClose != null) {
              redisToClose.close();
            }
            client.shutdown();
          }
        });
    cleanup.run("drop database " + postgres.database(), () -> Cleanup.dropDatabase(postgres));
    cleanup.throwIfFailed();
  }

  private synchronized RedisClient redisClient() {
    if (redisClient == null) {
      redisClient = RedisClient.create(redis.url());
    }
    return redisClient;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("test environment " + id + " is closed");
    }
  }

  static Connection connectNats(String url) {
    try {
      return Nats.connect(
          Options.builder().server(url).connectionTimeout(Duration.ofSeconds(5)).build());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot connect to NATS at " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted connecting to NATS at " + url, e);
    }
  }

  static String randomId(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
