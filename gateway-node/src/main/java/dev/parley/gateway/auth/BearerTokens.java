package dev.parley.gateway.auth;

import io.vertx.core.http.HttpServerRequest;

/** Where a token travels: the Authorization header, or {@code ?token=} on the WebSocket handshake. */
public final class BearerTokens {
  private BearerTokens() {}

  public static String fromHeader(HttpServerRequest req) {
    return fromAuthorization(req.getHeader("Authorization"));
  }

  /** The token of an {@code Authorization: Bearer <token>} value (HTTP or a NATS header); null otherwise. */
  public static String fromAuthorization(String h) {
    if (h == null) {
      return null;
    }
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return h.substring(7).trim();
    }
    return null;
  }

  public static String fromHeaderOrQuery(HttpServerRequest req) {
    String t = fromHeader(req);
    return t != null ? t : req.getParam("token");
  }
}
