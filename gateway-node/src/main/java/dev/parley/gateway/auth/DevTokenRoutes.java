package dev.parley.gateway.auth;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.config.JwtSettings;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.http.Responses;
import dev.parley.gateway.text.TextRules;
import dev.parley.gateway.text.TextRules.Kind;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code POST /api/v1/auth/dev-token}: exists only when dev tokens are enabled. */
public final class DevTokenRoutes {
  private final TokenVerifier verifier;
  private final JwtSettings settings;

  public DevTokenRoutes(TokenVerifier verifier, JwtSettings settings) {
    this.verifier = verifier;
    this.settings = settings;
  }

  public void mount(Router router) {
    if (settings.devTokens()) {
      router.post("/api/v1/auth/dev-token").handler(this::issue);
    } else {
      // answered before authentication, so a caller learns why rather than seeing a 401
      router
          .post("/api/v1/auth/dev-token")
          .handler(
              ctx ->
                  Responses.error(
                      ctx,
                      ApiException.notFound(
                          "dev tokens are disabled on this server (PARLEY_DEV_TOKENS=false)")));
    }
  }

  private void issue(RoutingContext ctx) {
    JsonObject body = Responses.jsonBody(ctx);
    String userId = body.getString("user_id");
    if (!Ids.isUserId(userId)) {
      throw ApiException.invalid("user_id must be 1-128 characters of [A-Za-z0-9._:@-]");
    }
    JsonObject claims = new JsonObject().put("sub", userId);
    Object name = body.getValue("name");
    if (name instanceof String s && !s.isBlank()) {
      claims.put("name", TextRules.require("name", s, Kind.SINGLE_LINE));
    }
    JWTOptions options =
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(settings.devTokenTtlSeconds());
    settings.issuer().ifPresent(options::setIssuer);
    settings.audience().ifPresent(a -> options.setAudience(List.of(a)));
    String token = verifier.jwtAuth().generateToken(claims, options);
    Responses.json(
        ctx,
        200,
        new JsonObject().put("token", token).put("expires_in", settings.devTokenTtlSeconds()));
  }
}
