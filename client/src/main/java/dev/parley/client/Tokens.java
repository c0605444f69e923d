package dev.parley.client;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 user tokens signed with the gateways' shared secret ({@code PARLEY_JWT_SECRET}): what a
 * test or a benchmark uses instead of an identity provider. The claims are the ones docs/api.md
 * asks for: {@code sub} (the user id), {@code name}, {@code iat} and {@code exp}. Never ship the
 * secret to a device: real clients get their tokens from the integrator's own sign-in.
 */
public final class Tokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final SecretKeySpec key;
  private final Duration lifetime;

  /** {@code lifetime} must stay within the gateways' {@code PARLEY_JWT_MAX_LIFETIME} (24 h). */
  public Tokens(String secret, Duration lifetime) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.lifetime = lifetime;
  }

  public String forUser(String userId, String name) {
    Instant now = Instant.now();
    JsonObject claims =
        new JsonObject()
            .put("sub", userId)
            .put("iat", now.getEpochSecond())
            .put("exp", now.plus(lifetime).getEpochSecond());
    if (name != null) {
      claims.put("name", name);
    }
    String signed =
        HEADER + "." + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    return signed + "." + B64.encodeToString(sign(signed));
  }

  private byte[] sign(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
