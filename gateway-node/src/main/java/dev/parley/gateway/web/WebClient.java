package dev.parley.gateway.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web client: the files under {@code webroot/} of the gateway's jar, served at {@code /}. It is
 * mounted after every API route, so it never shadows one: a GET that no route answered and that
 * names no file falls through to the JSON 404.
 *
 * <p>The page talks to the public API only. Its answers carry a Content-Security-Policy that lets
 * it load scripts, styles and connections from this origin alone (no inline script, no eval), and
 * images from here or from the blob URLs it makes of downloaded attachments; nothing may frame it.
 * Files are revalidated on every load ({@code no-cache} with {@code Last-Modified}), so a new jar's
 * page is picked up at once while an unchanged file costs a 304.
 */
public final class WebClient {
  static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' blob:",
          "connect-src 'self'",
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'");

  private WebClient() {}

  public static void mount(Router router) {
    StaticHandler files =
        StaticHandler.create("webroot")
            .setIndexPage("index.html")
            .setDirectoryListing(false)
            .setIncludeHidden(false)
            .setCachingEnabled(true);
    router.get("/*").handler(WebClient::headers).handler(files);
  }

  private static void headers(RoutingContext ctx) {
    ctx.addHeadersEndHandler(
        v ->
            ctx.response()
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                // the static handler's own value (public, immutable, a day) would pin an old page
                .putHeader("Cache-Control", "no-cache"));
    ctx.next();
  }
}
