package dev.parley.gateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.parley.gateway.config.JwtSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of a JWKS URL, of the one pinned algorithm. Retrieval is Nimbus's
 * {@link JWKSource}: one HTTP retriever with connect and read timeouts and a size limit, the set
 * cached for {@link #CACHE_TIME_TO_LIVE}, fetched again when a token names a {@code kid} the
 * cached set lacks, and at most twice per {@code refetchInterval} so tokens with made-up key ids
 * cannot hammer the identity provider. Every call may block on HTTP, so each runs on a worker
 * thread, never on an event loop.
 */
final class JwksKeys {
  private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);
  private static final int CONNECT_TIMEOUT_MS = 2_000;
  private static final int READ_TIMEOUT_MS = 2_000;
  private static final int SIZE_LIMIT_BYTES = 256 * 1024;

  /** How long a fetched set is used before it is fetched again. */
  static final Duration CACHE_TIME_TO_LIVE = JwtSettings.JWKS_CACHE_TIME_TO_LIVE;

  private final Vertx vertx;
  private final String url;
  private final JWSAlgorithm algorithm;
  private final KeyType keyType;
  private final JWKSource<SecurityContext> source;

  JwksKeys(Vertx vertx, String url, String algorithm, Duration refetchInterval) {
    this.vertx = vertx;
    this.url = url;
    this.algorithm = JWSAlgorithm.parse(algorithm);
    this.keyType = KeyType.forAlgorithm(this.algorithm);
    try {
      this.source =
          JWKSourceBuilder.<SecurityContext>create(
                  new URI(url).toURL(),
                  new DefaultResourceRetriever(
                      CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT_BYTES))
              .cache(CACHE_TIME_TO_LIVE.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
              // no refresh-ahead: it runs on a thread pool of its own; the gateway's timer reloads
              // the
              // set when the cache lapses, on a worker thread, so no request waits for it anyway
              .refreshAheadCache(false)
              .rateLimited(refetchInterval.toMillis())
              .build();
    } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "PARLEY_JWT_JWKS_URL=" + url + " is not a URL: " + e.getMessage(), e);
    }
  }

  String url() {
    return url;
  }

  /**
   * The keys of the pinned algorithm, as vertx-auth JWKs. With a {@code kid} the cached set lacks,
   * the set is fetched again first (unless the rate limit says not yet).
   */
  Future<List<JsonObject>> load(String kid) {
    return vertx.executeBlocking(
        () -> {
          if (kid != null) {
            try {
              source.get(new JWKSelector(matcher(kid)), null);
            } catch (KeySourceException e) {
              // rate-limited or unreachable: go on with the keys already known
              log.debug("JWKS {}: no fresh key set for kid {}: {}", url, kid, e.toString());
            }
          }
          return source.get(new JWKSelector(matcher(null)), null).stream()
              .map(this::toVertx)
              .toList();
        },
        false);
  }

  private JWKMatcher matcher(String kid) {
    JWKMatcher.Builder b =
        new JWKMatcher.Builder()
            .keyType(keyType)
            .keyUses(KeyUse.SIGNATURE, null)
            .algorithms(algorithm, null);
    return (kid == null ? b : b.keyID(kid)).build();
  }

  /** vertx-auth loads a JWK by its {@code alg}: a key that names none is one of the pinned algorithm. */
  private JsonObject toVertx(JWK jwk) {
    return new JsonObject(jwk.toPublicJWK().toJSONObject()).put("alg", algorithm.getName());
  }
}
