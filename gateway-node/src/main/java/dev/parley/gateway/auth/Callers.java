package dev.parley.gateway.auth;

import dev.parley.gateway.failure.ApiException;
import io.vertx.ext.web.RoutingContext;

/**
 * Who makes a REST request: set once by the authentication in front of every {@code /api/v1}
 * route, read by the routes.
 */
public final class Callers {
  private static final String USER_KEY = "parley.user";

  private Callers() {}

  /** The caller; 401 when the request was not authenticated. */
  public static AuthenticatedUser user(RoutingContext ctx) {
    AuthenticatedUser u = ctx.get(USER_KEY);
    if (u == null) {
      throw ApiException.unauthenticated("missing bearer token");
    }
    return u;
  }

  /** Whether the request was already authenticated (a streaming route does it first). */
  public static boolean known(RoutingContext ctx) {
    return ctx.get(USER_KEY) != null;
  }

  public static void set(RoutingContext ctx, AuthenticatedUser user) {
    ctx.put(USER_KEY, user);
  }
}
