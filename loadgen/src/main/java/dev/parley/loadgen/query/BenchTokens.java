package dev.parley.loadgen.query;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 tokens for the seeded users, signed with the gateways' secret: {@code sub}, {@code iat} and
 * an {@code exp} an hour on (the gateway requires {@code exp} and refuses lifetimes over its
 * maximum, 24 h by default). One token per user, made once.
 */
final class BenchTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final byte[] secret;
  private final Map<String, String> byUser = new ConcurrentHashMap<>();

  BenchTokens(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  String of(String userId) {
    return byUser.computeIfAbsent(userId, this::sign);
  }

  private String sign(String userId) {
    long now = System.currentTimeMillis() / 1000;
    String claims =
        new JsonObject().put("sub", userId).put("iat", now).put("exp", now + 3600).encode();
    String body = HEADER + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return body + "." + B64.encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
