package dev.parley.gateway.config;

import dev.parley.contract.config.Env;
import java.time.Duration;

/**
 * What a gateway holds for its fan-out, and for how long it trusts what it cached about membership.
 *
 * @param handoffMax {@code PARLEY_FANOUT_QUEUE_MAX}: republished entries that may wait at once for
 *     the fan-out event loop; past it live copies are dropped and their conversations read back from
 *     the stream
 * @param heldMax {@code PARLEY_FANOUT_HELD_MAX}: entries one conversation may hold back at once
 *     (while new members catch up, or behind an overtaken entry); past it they are dropped and read
 *     back from the stream
 * @param membershipCacheTtl {@code PARLEY_MEMBERSHIP_CACHE_TTL}: how long a cached membership is
 *     trusted without asking Postgres, so the longest a removal can go unnoticed on a node that
 *     missed its notice
 * @param sendLinger {@code PARLEY_FANOUT_SEND_LINGER}: how long a conversation a send from this
 *     node subscribed stays subscribed after its last send when no local connection holds it, so a
 *     sender's next send finds it open (no subscribe, stream-end read and unsubscribe per send)
 */
public record FanoutLimits(
    int handoffMax, int heldMax, Duration membershipCacheTtl, Duration sendLinger) {
  public static FanoutLimits fromEnv(Env env) {
    return new FanoutLimits(
        env.integer("PARLEY_FANOUT_QUEUE_MAX", 10_000, 1, 10_000_000),
        env.integer("PARLEY_FANOUT_HELD_MAX", 10_000, 1, 10_000_000),
        env.duration("PARLEY_MEMBERSHIP_CACHE_TTL", Duration.ofSeconds(5)),
        env.duration("PARLEY_FANOUT_SEND_LINGER", Duration.ofSeconds(30)));
  }
}
