package dev.parley.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The claims of tokens this gateway checked lately, by the token's exact text: a client sends the
 * same token with every request, and checking its signature and parsing its JSON each time was a
 * tenth of a REST send's gateway CPU. An entry is used only until the token's {@code exp}, at most
 * {@link #LONGEST} after it was checked, and every entry is dropped when the keys change; a token
 * is only ever added after passing every check.
 */
final class VerifiedTokens {
  private static final int MAX_TOKENS = 10_000;

  /** How long a checked token is trusted without checking it again, whatever its exp. */
  static final Duration LONGEST = Duration.ofMinutes(5);

  private record Checked(JsonObject claims, long expEpochSecond) {}

  private final Cache<String, Checked> checked =
      Caffeine.newBuilder().maximumSize(MAX_TOKENS).expireAfterWrite(LONGEST).build();

  /** The token's claims when it was checked lately and has not expired since; else null. */
  JsonObject claims(String token) {
    Checked c = checked.getIfPresent(token);
    if (c == null) {
      return null;
    }
    if (System.currentTimeMillis() / 1000 >= c.expEpochSecond()) {
      checked.invalidate(token);
      return null;
    }
    return c.claims();
  }

  /** Remembers a token that passed every check (its claims carry a numeric {@code exp}). */
  void remember(String token, JsonObject claims) {
    checked.put(token, new Checked(claims, ((Number) claims.getValue("exp")).longValue()));
  }

  /** The keys changed: every token is checked again. */
  void forgetAll() {
    checked.invalidateAll();
  }
}
