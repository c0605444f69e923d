package dev.parley.testing;

import dev.parley.contract.config.PostgresSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The Postgres, NATS and Redis the tests of this JVM use. Each is the configured (local) service
 * when a TCP connect to it succeeds; otherwise, if a Docker engine is available, a container
 * started once per JVM (Testcontainers stops it when the JVM exits); otherwise resolving fails
 * with what to do.
 *
 * @param postgres the server, as settings on its {@code postgres} maintenance database
 * @param natsUrl  {@code nats://host:port}
 * @param redisUrl {@code redis://host:port}
 */
public record TestServices(PostgresSettings postgres, String natsUrl, String redisUrl) {

  private static final Logger LOG = LoggerFactory.getLogger(TestServices.class);
  private static final int CONNECT_TIMEOUT_MS = 1000;

  // The one JVM-wide value: containers are expensive, so every test class shares what was resolved.
  private static TestServices shared;

  /** The services for this JVM, resolved on first use from {@link TestSettings#system()}. */
  public static synchronized TestServices get() {
    if (shared == null) {
      shared = resolve(TestSettings.system());
    }
    return shared;
  }

  /** Local services where reachable, containers for the rest. */
  public static TestServices resolve(TestSettings settings) {
    URI nats = URI.create(settings.natsUrl());
    URI redis = URI.create(settings.redisUrl());
    boolean pgUp = reachable(settings.pgHost(), settings.pgPort());
    boolean natsUp = reachable(nats.getHost(), portOr(nats, 4222));
    boolean redisUp = reachable(redis.getHost(), portOr(redis, 6379));

    PostgresSettings pg =
        new PostgresSettings(
            settings.pgHost(),
            settings.pgPort(),
            "postgres",
            settings.pgUser(),
            settings.pgPassword(),
            4);
    if (pgUp && natsUp && redisUp) {
      return new TestServices(pg, settings.natsUrl(), settings.redisUrl());
    }
    requireDocker(settings, pgUp, natsUp, redisUp);
    return new TestServices(
        pgUp ? pg : Containers.postgres(),
        natsUp ? settings.natsUrl() : Containers.nats(),
        redisUp ? settings.redisUrl() : Containers.redis());
  }

  private static void requireDocker(
      TestSettings settings, boolean pgUp, boolean natsUp, boolean redisUp) {
    StringBuilder down = new StringBuilder();
    if (!pgUp) {
      down.append(" PostgreSQL at ")
          .append(settings.pgHost())
          .append(':')
          .append(settings.pgPort());
    }
    if (!natsUp) {
      down.append(" NATS at ").append(settings.natsUrl());
    }
    if (!redisUp) {
      down.append(" Redis at ").append(settings.redisUrl());
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException(
          "test services unreachable:"
              + down
              + ", and no Docker engine to start them in. Run \"make services\" (or set PARLEY_TEST_PG_HOST/PORT,"
              + " PARLEY_TEST_NATS_URL, PARLEY_TEST_REDIS_URL to running servers)");
    }
    LOG.info("unreachable:{}; starting containers instead", down);
  }

  static boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int portOr(URI uri, int fallback) {
    return uri.getPort() > 0 ? uri.getPort() : fallback;
  }
}
