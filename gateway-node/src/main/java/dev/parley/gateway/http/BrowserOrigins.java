package dev.parley.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/**
 * CORS for the configured origins ({@code PARLEY_CORS_ORIGINS}). vertx-web's handler answers
 * preflights, adds the allow headers to the answers of allowed origins, and fails a request whose
 * Origin is not listed with 403: on {@code /ws} that is the handshake's Origin check, before any
 * upgrade. A request without Origin (curl, bots, native apps) is not a browser's and passes.
 */
public final class BrowserOrigins {
  /** How long a browser may reuse a preflight's answer. */
  private static final int PREFLIGHT_MAX_AGE_SECONDS = 600;

  private BrowserOrigins() {}

  public static CorsHandler cors(List<String> origins) {
    return CorsHandler.create()
        .addOrigins(origins)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type"))
        // bearer tokens travel in a header, never in cookies: no credentials mode
        .exposedHeaders(Set.of("Retry-After", "Content-Disposition"))
        .maxAgeSeconds(PREFLIGHT_MAX_AGE_SECONDS);
  }
}
