package dev.parley.testing;

import dev.parley.contract.config.PostgresSettings;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The fallback when a service is not running locally. Started at most once per JVM (callers go
 * through {@link TestServices#get()}); the Testcontainers reaper removes them when the JVM exits.
 */
final class Containers {

  private static final Duration STARTUP = Duration.ofSeconds(90);

  private Containers() {}

  static PostgresSettings postgres() {
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse("postgres:15-alpine"))
            .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
            .withExposedPorts(5432)
            // The entrypoint starts the server twice (init, then for real): wait for the second.
            .waitingFor(
                Wait.forLogMessage(".*database system is ready to accept connections.*", 2)
                    .withStartupTimeout(STARTUP));
    c.start();
    return new PostgresSettings(c.getHost(), c.getMappedPort(5432), "postgres", "postgres", "", 4);
  }

  static String nats() {
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse("nats:2.9-alpine"))
            .withCommand("-js")
            .withExposedPorts(4222)
            .waitingFor(Wait.forLogMessage(".*Server is ready.*", 1).withStartupTimeout(STARTUP));
    c.start();
    return "nats://" + c.getHost() + ":" + c.getMappedPort(4222);
  }

  static String redis() {
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
            .withExposedPorts(6379)
            .waitingFor(Wait.forListeningPort().withStartupTimeout(STARTUP));
    c.start();
    return "redis://" + c.getHost() + ":" + c.getMappedPort(6379);
  }
}
