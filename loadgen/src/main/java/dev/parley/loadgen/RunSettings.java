package dev.parley.loadgen;

import dev.parley.contract.config.NatsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario is told: its parameters ({@code key=value} on the command line, each with the
 * scenario's own default) and where the cluster is (environment, defaults as {@code make run}
 * starts it). Every parameter a scenario read is echoed into its result, so a result says how it
 * was made.
 */
public final class RunSettings {
  private final Map<String, String> params;
  private final Map<String, String> used = new LinkedHashMap<>();
  private final Map<String, String> env;
  private final Path root;

  RunSettings(Map<String, String> params, Map<String, String> env, Path root) {
    this.params = params;
    this.env = env;
    this.root = root;
  }

  public int integer(String key, int fallback) {
    return Integer.parseInt(text(key, Integer.toString(fallback)));
  }

  public double decimal(String key, double fallback) {
    return Double.parseDouble(text(key, Double.toString(fallback)));
  }

  /** A duration as seconds ({@code 30}) or with a unit ({@code 500ms}, {@code 2m}). */
  public Duration duration(String key, Duration fallback) {
    String v = text(key, fallback.toMillis() + "ms").trim();
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    if (v.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(v.replace("s", "")) * 1000));
  }

  public String text(String key, String fallback) {
    String v = params.getOrDefault(key, fallback);
    used.put(key, v);
    return v;
  }

  /** The gateways' base URLs: {@code PARLEY_BENCH_GATEWAYS}, comma separated. */
  public List<String> gateways() {
    return Arrays.asList(
        env.getOrDefault("PARLEY_BENCH_GATEWAYS", "http://127.0.0.1:8080,http://127.0.0.1:8081")
            .split(","));
  }

  /** Signs the users' tokens (HS256); the dev profile's secret unless set. */
  public String jwtSecret() {
    return env.getOrDefault("PARLEY_JWT_SECRET", "parley-dev-secret");
  }

  public String natsUrl() {
    return env.getOrDefault("PARLEY_NATS_URL", "nats://127.0.0.1:4222");
  }

  public String pgHost() {
    return env.getOrDefault("PARLEY_PG_HOST", "127.0.0.1");
  }

  public int pgPort() {
    return Integer.parseInt(env.getOrDefault("PARLEY_PG_PORT", "5432"));
  }

  public String pgDatabase() {
    return env.getOrDefault("PARLEY_PG_DATABASE", "parley");
  }

  public String pgUser() {
    return env.getOrDefault("PARLEY_PG_USER", "postgres");
  }

  /** An environment variable (e.g. what the bench script says it configured), or the fallback. */
  public String env(String name, String fallback) {
    return env.getOrDefault(name, fallback);
  }

  /** The deployment's subject prefix ({@code PARLEY_SUBJECT_PREFIX}, as the processes read it). */
  public String subjectPrefix() {
    return env.getOrDefault("PARLEY_SUBJECT_PREFIX", "chat");
  }

  /** How many streams the cluster spreads conversations over ({@code PARLEY_STREAM_PARTITIONS}). */
  public int partitions() {
    return Integer.parseInt(env.getOrDefault("PARLEY_STREAM_PARTITIONS", "1"));
  }

  /** The stream's name ({@code PARLEY_STREAM_NAME}; by default derived from the prefix). */
  public String streamName() {
    return env.getOrDefault("PARLEY_STREAM_NAME", NatsSettings.defaultStreamName(subjectPrefix()));
  }

  /** The persistence worker's ops URL ({@code /metrics}): {@code PARLEY_BENCH_WORKER}. */
  public String workerUrl() {
    return env.getOrDefault("PARLEY_BENCH_WORKER", "http://127.0.0.1:8090");
  }

  /** The repository root: {@code .run/} pid files are read from here. */
  public Path root() {
    return root;
  }

  /** The parameters read so far, with the values used. */
  Map<String, String> used() {
    return new LinkedHashMap<>(used);
  }
}
