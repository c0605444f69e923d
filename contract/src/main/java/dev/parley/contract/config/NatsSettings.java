package dev.parley.contract.config;

import dev.parley.contract.Subjects;
import java.time.Duration;
import java.util.Locale;

/**
 * Where NATS is and how this deployment names things on it. Two deployments (or two test runs)
 * with different prefixes and stream names share a NATS server without seeing each other.
 */
public record NatsSettings(
    String url,
    String subjectPrefix,
    String streamName,
    Duration duplicateWindow,
    Duration streamMaxAge,
    int replicas) {

  public static NatsSettings fromEnv(Env env) {
    String prefix = env.string("PARLEY_SUBJECT_PREFIX", "chat");
    if (!prefix.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
      throw new ConfigException(
          "PARLEY_SUBJECT_PREFIX="
              + prefix
              + " is not a NATS subject prefix: use letters, digits, '-', '_' and dots between tokens");
    }
    String stream = env.string("PARLEY_STREAM_NAME", defaultStreamName(prefix));
    if (!stream.matches("[A-Za-z0-9_-]+")) {
      throw new ConfigException(
          "PARLEY_STREAM_NAME="
              + stream
              + " is not a stream name: use letters, digits, '-' and '_'");
    }
    return new NatsSettings(
        env.string("PARLEY_NATS_URL", "nats://127.0.0.1:4222"),
        prefix,
        stream,
        env.duration("PARLEY_DEDUP_WINDOW", Duration.ofMinutes(2)),
        env.duration("PARLEY_STREAM_MAX_AGE", Duration.ofDays(7)),
        env.integer("PARLEY_STREAM_REPLICAS", 1, 1, 5));
  }

  public static String defaultStreamName(String prefix) {
    return prefix.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_-]", "_") + "_EVENTS";
  }

  public Subjects subjects() {
    return new Subjects(subjectPrefix);
  }

  /** The URL may hold a user and password or a token: never printed. */
  @Override
  public String toString() {
    return "NatsSettings[url="
        + Secrets.redact(url)
        + ", subjectPrefix="
        + subjectPrefix
        + ", streamName="
        + streamName
        + ", duplicateWindow="
        + duplicateWindow
        + ", streamMaxAge="
        + streamMaxAge
        + ", replicas="
        + replicas
        + "]";
  }
}
