package dev.parley.presence;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.RedisSettings;
import dev.parley.contract.wire.Ids;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the presence node reads from its environment, validated at start.
 *
 * @param nodeId this presence node's name (NATS connection name, sweep lock owner, logs)
 * @param nodeTtl a gateway node whose last heartbeat is older than this is dead and swept
 * @param sweepInterval how often dead gateway nodes are looked for
 * @param redisTimeout how long a Redis command (or connection attempt) may take ({@code
 *     PARLEY_REDIS_TIMEOUT}, as every process reads it)
 * @param offlineGrace a user with no open connection anywhere for this long is offline
 *     (docs/api.md#presence-and-typing: 15 s); a reconnect within it changes nothing, and the
 *     user's status survives it
 * @param statusMinInterval least time between two status changes of one user (presence.update);
 *     a faster change is refused with {@code rate_limited}
 */
public record PresenceConfig(
    NatsSettings nats,
    RedisSettings redis,
    String nodeId,
    String httpHost,
    int httpPort,
    Duration nodeTtl,
    Duration sweepInterval,
    Duration redisTimeout,
    Duration offlineGrace,
    Duration statusMinInterval) {

  /**
   * Names the presence node read before every process used the same one; still read (the current
   * name wins), with a warning at start.
   */
  public static final Map<String, String> FORMER_NAMES =
      Map.of(
          "PARLEY_PRESENCE_NODE_ID", "PARLEY_NODE_ID",
          "PARLEY_PRESENCE_HTTP_HOST", "PARLEY_HTTP_HOST",
          "PARLEY_PRESENCE_HTTP_PORT", "PARLEY_HTTP_PORT",
          "PARLEY_PRESENCE_REDIS_TIMEOUT", "PARLEY_REDIS_TIMEOUT");

  public static PresenceConfig fromEnv(Env environment) {
    Env env = environment.withFormerNames(FORMER_NAMES);
    String nodeId =
        env.optional("PARLEY_NODE_ID").orElseGet(() -> "presence-" + Ids.newId().substring(0, 8));
    if (!nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException(
          "PARLEY_NODE_ID=" + nodeId + " must be 1-64 letters, digits, '.', '_' or '-'");
    }
    RedisSettings redis = RedisSettings.fromEnv(env);
    return new PresenceConfig(
        NatsSettings.fromEnv(env),
        redis,
        nodeId,
        env.string("PARLEY_HTTP_HOST", "0.0.0.0"),
        env.integer("PARLEY_HTTP_PORT", 8091, 0, 65535),
        positive(env, "PARLEY_PRESENCE_NODE_TTL", Duration.ofSeconds(15)),
        positive(env, "PARLEY_PRESENCE_SWEEP_INTERVAL", Duration.ofSeconds(5)),
        redis.timeout(),
        positive(env, "PARLEY_PRESENCE_OFFLINE_GRACE", Duration.ofSeconds(15)),
        env.duration("PARLEY_PRESENCE_STATUS_MIN_INTERVAL", Duration.ofSeconds(1)));
  }

  private static Duration positive(Env env, String name, Duration fallback) {
    Duration d = env.duration(name, fallback);
    if (d.isZero()) {
      throw new ConfigException(
          name + "=" + env.optional(name).orElse("") + " must be longer than zero");
    }
    return d;
  }

  /**
   * TTL of a user's connection hash, refreshed on every write: twice the node TTL, so a live node's
   * heartbeats always refresh it in time, and it only lapses on its own when no presence node runs.
   */
  public Duration connectionTtl() {
    return nodeTtl.multipliedBy(2);
  }

  /**
   * TTL of a user's presence state (status, time of the last change): it must outlive the
   * connection hash by the grace period, which ends with the state deleted anyway.
   */
  public Duration stateTtl() {
    return connectionTtl().plus(offlineGrace);
  }

  /**
   * How often the users whose grace period ended are looked for: a tenth of the grace, between
   * 50 ms and 1 s, so an offline change is late by at most that.
   */
  public Duration graceCheckInterval() {
    long tenth = offlineGrace.toMillis() / 10;
    return Duration.ofMillis(Math.max(50, Math.min(1000, tenth)));
  }

  public PresenceConfig withHttpPort(int port) {
    return new PresenceConfig(
        nats,
        redis,
        nodeId,
        httpHost,
        port,
        nodeTtl,
        sweepInterval,
        redisTimeout,
        offlineGrace,
        statusMinInterval);
  }
}
