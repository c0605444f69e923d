package dev.parley.gateway.auth;

import io.vertx.core.http.HttpServerRequest;

/** Where a token travels: the Authorization header, or {@code ?token=} on the WebSocket handshake. */
public final class BearerTokens {
  private BearerTokens() {}

  public static String fromHeader(HttpServerRequest req) {
    String h = req.getHeader("Authorization");
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
