package dev.parley.gateway.auth;

import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.redis.RedisProbe;
import io.lettuce.core.SetArgs;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Short-lived, single-use tickets that open {@code /ws} without the long-lived token in the URL
 * (where proxies and browsers log it). A ticket is 32 random bytes; Redis keeps who it stands for
 * under its SHA-256 (a Redis dump holds no usable ticket) with a TTL, so any gateway redeems a
 * ticket another issued, and {@code GETDEL} makes a redeemed ticket gone for every node at once.
 *
 * <p>Redis down: issuing and redeeming answer {@code unavailable}; the bearer token (header or
 * {@code ?token=}) still opens {@code /ws}.
 */
public final class WsTickets {
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final Vertx vertx;
  private final RedisProbe redis;
  private final String keyPrefix;
  private final Duration ttl;
  private final Duration redisTimeout;
  private final SecureRandom random = new SecureRandom();

  /** {@code redisTimeout}: how long issuing or redeeming waits for Redis (then {@code unavailable}). */
  public WsTickets(
      Vertx vertx, RedisProbe redis, String redisKeyPrefix, Duration ttl, Duration redisTimeout) {
    this.vertx = vertx;
    this.redis = redis;
    this.keyPrefix = redisKeyPrefix + ":ws-ticket:";
    this.ttl = ttl;
    this.redisTimeout = redisTimeout;
  }

  public Duration ttl() {
    return ttl;
  }

  /** A new ticket standing for {@code user}, valid for {@link #ttl()}, once. */
  public Future<String> issue(AuthenticatedUser user) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String who = new JsonObject().put("user_id", user.userId()).put("name", user.name()).encode();
    Context here = vertx.getOrCreateContext();
    return bounded(
            redis
                .commands(vertx)
                .compose(
                    c ->
                        Future.fromCompletionStage(
                            c.set(keyOf(ticket), who, SetArgs.Builder.nx().px(ttl.toMillis())),
                            here)))
        .compose(
            ok ->
                "OK".equals(ok)
                    ? Future.succeededFuture(ticket)
                    : Future.failedFuture(
                        ApiException.unavailable("could not store the ticket; try again", null)));
  }

  /** Who {@code ticket} stands for; the ticket is used up. Unknown, used or expired: 401. */
  public Future<AuthenticatedUser> redeem(String ticket) {
    if (ticket == null || !SHAPE.matcher(ticket).matches()) {
      return Future.failedFuture(ApiException.unauthenticated("invalid or expired ticket"));
    }
    Context here = vertx.getOrCreateContext();
    return bounded(
            redis
                .commands(vertx)
                .compose(c -> Future.fromCompletionStage(c.getdel(keyOf(ticket)), here)))
        .compose(
            who -> {
              if (who == null) {
                return Future.failedFuture(
                    ApiException.unauthenticated("invalid or expired ticket"));
              }
              JsonObject j = new JsonObject(who);
              return Future.succeededFuture(
                  new AuthenticatedUser(j.getString("user_id"), j.getString("name")));
            });
  }

  /** A Redis call that cannot wait for long: Lettuce queues commands while it reconnects. */
  private <T> Future<T> bounded(Future<T> call) {
    return call.timeout(redisTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof ApiException
                        ? e
                        : ApiException.unavailable(
                            "tickets cannot be checked right now (Redis): connect with the bearer token instead",
                            e)));
  }

  private String keyOf(String ticket) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.US_ASCII));
      return keyPrefix + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
