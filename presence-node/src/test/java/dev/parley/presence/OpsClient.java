package dev.parley.presence;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import java.util.regex.Pattern;

/** GETs on a presence node's ops port. */
final class OpsClient {
  record Reply(int status, String body) {}

  private final HttpClientAgent http;
  private final Context context;

  OpsClient(Vertx vertx) {
    this.http = vertx.createHttpClient();
    this.context = vertx.getOrCreateContext();
  }

  /**
   * Issued from one Vert.x context, so the response's body handler is in place before its end
   * arrives (from a test thread, each step of the chain could land on a different context).
   */
  Future<Reply> get(int port, String path) {
    Promise<Reply> reply = Promise.promise();
    context.runOnContext(
        v ->
            http.request(HttpMethod.GET, port, "127.0.0.1", path)
                .compose(
                    req ->
                        req.send()
                            .compose(
                                resp ->
                                    resp.body()
                                        .map(
                                            body -> new Reply(resp.statusCode(), body.toString()))))
                .onComplete(reply));
    return reply.future();
  }

  /** The {@code node} label, wherever it stands among a sample's labels. */
  private static final Pattern NODE_LABEL = Pattern.compile(",?node=\"[^\"]*\"");

  /**
   * The value of one Prometheus sample line (name with its labels as printed, without the {@code
   * node} label every sample carries), 0 when absent.
   */
  static double sample(String scrape, String series) {
    return NODE_LABEL
        .matcher(scrape)
        .replaceAll("")
        .replace("{,", "{")
        .replace("{}", "")
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .findFirst()
        .orElse(0);
  }
}
