package dev.parley.gateway.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * What to do with the rest of a request body nobody will read: an upload answered early (refused
 * token, too large). Closing at once would make the kernel reset the connection over the unread
 * bytes and the client could lose the answer; reading forever would let a client waste our
 * bandwidth. So read and drop up to a bound, then close.
 */
public final class UnreadBodies {
  /** As Tomcat's {@code maxSwallowSize}: enough for the tail of an upload refused near its limit. */
  public static final long DISCARD_LIMIT = 2 * 1024 * 1024;

  private UnreadBodies() {}

  public static void discard(HttpServerRequest request) {
    if (request.isEnded()) {
      return;
    }
    long from = request.bytesRead();
    request.handler(
        chunk -> {
          if (request.bytesRead() - from > DISCARD_LIMIT) {
            request.connection().close();
          }
        });
    request.exceptionHandler(e -> {});
    request.resume();
  }
}
