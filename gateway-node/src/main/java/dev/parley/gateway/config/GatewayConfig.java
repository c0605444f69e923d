package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.config.RedisSettings;
import java.time.Duration;
import java.util.UUID;

/** Everything a gateway node reads from its environment; see the README's table. */
public record GatewayConfig(
    String nodeId,
    String httpHost,
    int httpPort,
    int httpInstances,
    PostgresSettings postgres,
    NatsSettings nats,
    RedisSettings redis,
    JwtSettings jwt,
    Limits limits,
    Duration wsPingInterval,
    Duration wsIdleTimeout,
    Duration presenceHeartbeatInterval,
    Duration sendFanoutWait,
    Duration messageLookupWait,
    Ephemeral ephemeral,
    ServiceKeys serviceKeys,
    FileSettings files,
    int searchPoolSize,
    BrowserSettings browsers,
    RateLimitSettings rateLimits,
    DatabaseLimits database,
    FanoutLimits fanout,
    WebSocketBounds wsBounds,
    DrainSettings drain,
    ReadinessSettings readiness) {

  /**
   * Size and rate limits of docs/api.md#limits.
   *
   * @param sendRatePerSecond sends per user per second across the cluster (token refill rate)
   * @param sendBurst sends a user may make at once before the rate applies (bucket size)
   * @param maxStreamScan most unstored stream entries a read over all of a user's conversations (the
   *     list, search) or a lookup by id reads; beyond, the list and search answer 503
   */
  public record Limits(
      int maxContentBytes,
      int maxFrameBytes,
      int wsWriteQueueBytes,
      int maxHistoryTail,
      int sendRatePerSecond,
      int sendBurst,
      int maxStreamScan) {}

  /**
   * Typing and presence.
   *
   * @param typingLapse an indicator not renewed for this long ends with {@code typing: false}
   * @param typingRenewInterval a renewal of a running indicator is forwarded at most this often
   * @param presenceRequestTimeout how long a presence node may take to answer (then 503 / {@code unavailable})
   * @param presenceFanoutMaxMembers a conversation with more members carries no {@code
   *     presence.changed}: every connect in it would otherwise reach every online member, n² frames
   *     for n members coming online
   */
  public record Ephemeral(
      Duration typingLapse,
      Duration typingRenewInterval,
      Duration presenceRequestTimeout,
      int presenceFanoutMaxMembers) {
    static Ephemeral fromEnv(Env env) {
      Duration lapse = env.duration("PARLEY_TYPING_LAPSE", Duration.ofSeconds(5));
      Duration renew = env.duration("PARLEY_TYPING_RENEW_INTERVAL", Duration.ofSeconds(2));
      Duration timeout = env.duration("PARLEY_PRESENCE_REQUEST_TIMEOUT", Duration.ofSeconds(2));
      int fanoutMax = env.integer("PARLEY_PRESENCE_FANOUT_MAX_MEMBERS", 1_000, 2, 100_000);
      if (lapse.isZero() || renew.isZero() || timeout.isZero()) {
        throw new ConfigException(
            "PARLEY_TYPING_LAPSE, PARLEY_TYPING_RENEW_INTERVAL and PARLEY_PRESENCE_REQUEST_TIMEOUT must be longer than zero");
      }
      if (renew.compareTo(lapse) >= 0) {
        // receivers (and clients timing out on their own) must hear a renewal before the lapse
        throw new ConfigException(
            "PARLEY_TYPING_RENEW_INTERVAL ("
                + renew
                + ") must be shorter than PARLEY_TYPING_LAPSE ("
                + lapse
                + ")");
      }
      return new Ephemeral(lapse, renew, timeout, fanoutMax);
    }
  }

  public static GatewayConfig fromEnv(Env env) {
    JwtSettings jwt = JwtSettings.fromEnv(env);
    Duration ping = env.duration("PARLEY_WS_PING_INTERVAL", Duration.ofSeconds(25));
    Duration idle = env.duration("PARLEY_WS_IDLE_TIMEOUT", Duration.ofSeconds(60));
    if (idle.compareTo(ping) <= 0) {
      throw new ConfigException(
          "PARLEY_WS_IDLE_TIMEOUT ("
              + idle
              + ") must be longer than PARLEY_WS_PING_INTERVAL ("
              + ping
              + ")");
    }
    FileSettings files = FileSettings.fromEnv(env);
    int sendRate = env.integer("PARLEY_SEND_RATE_PER_SECOND", 20, 1, 1_000_000);
    int sendBurst = env.integer("PARLEY_SEND_BURST", 40, 1, 1_000_000);
    return new GatewayConfig(
        env.optional("PARLEY_NODE_ID")
            .orElseGet(() -> "gateway-" + UUID.randomUUID().toString().substring(0, 8)),
        env.string("PARLEY_HTTP_HOST", "0.0.0.0"),
        env.integer("PARLEY_HTTP_PORT", 8080, 0, 65535),
        env.integer("PARLEY_HTTP_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 64),
        PostgresSettings.fromEnv(env),
        NatsSettings.fromEnv(env),
        RedisSettings.fromEnv(env),
        jwt,
        new Limits(
            env.integer("PARLEY_MAX_CONTENT_BYTES", 16 * 1024, 1, 1024 * 1024),
            env.integer("PARLEY_WS_MAX_FRAME_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024),
            env.integer("PARLEY_WS_WRITE_QUEUE_BYTES", 1024 * 1024, 4096, 256 * 1024 * 1024),
            env.integer("PARLEY_HISTORY_MAX_STREAM_TAIL", 5000, 1, 1_000_000),
            sendRate,
            sendBurst,
            env.integer("PARLEY_READ_MAX_STREAM_SCAN", 2000, 1, 100_000)),
        ping,
        idle,
        env.duration("PARLEY_PRESENCE_HEARTBEAT_INTERVAL", Duration.ofSeconds(5)),
        env.duration("PARLEY_SEND_FANOUT_WAIT", Duration.ofSeconds(2)),
        env.duration("PARLEY_MESSAGE_LOOKUP_WAIT", Duration.ofSeconds(2)),
        Ephemeral.fromEnv(env),
        ServiceKeys.fromEnv(env),
        files,
        env.integer("PARLEY_SEARCH_POOL_SIZE", 2, 1, 64),
        BrowserSettings.fromEnv(env),
        RateLimitSettings.fromEnv(env, sendRate, sendBurst, files.maxUploadBytes()),
        DatabaseLimits.fromEnv(env),
        FanoutLimits.fromEnv(env),
        WebSocketBounds.fromEnv(env),
        DrainSettings.fromEnv(env),
        ReadinessSettings.fromEnv(env));
  }
}
