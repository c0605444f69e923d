package dev.parley.system.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * Which NATS server leads the stream, as the servers' monitoring endpoints say ({@code
 * /jsz?streams=true}, the same source as {@code make cluster-status}). A server is believed only
 * about itself: the leader is the server that reports itself as leader, since a follower's view
 * may still name a dead one.
 */
final class StreamLeader {
  private final int servers;
  private final IntUnaryOperator monitorPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  StreamLeader(int servers, IntUnaryOperator monitorPort) {
    this.servers = servers;
    this.monitorPort = monitorPort;
  }

  /** The leader's name ({@code nats-<n>}), or empty while none claims it (an election). */
  Optional<String> current() {
    for (int n = 1; n <= servers; n++) {
      String name = "nats-" + n;
      if (name.equals(leaderSeenBy(n))) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /** The leader server {@code n} names in its stream details; null when it does not answer. */
  private String leaderSeenBy(int n) {
    try {
      HttpResponse<String> resp =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + monitorPort.applyAsInt(n) + "/jsz?streams=true"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200) {
        return null;
      }
      JsonArray accounts = new JsonObject(resp.body()).getJsonArray("account_details");
      if (accounts == null || accounts.isEmpty()) {
        return null;
      }
      JsonArray streams = accounts.getJsonObject(0).getJsonArray("stream_detail");
      if (streams == null || streams.isEmpty()) {
        return null;
      }
      JsonObject cluster = streams.getJsonObject(0).getJsonObject("cluster");
      return cluster == null ? null : cluster.getString("leader");
    } catch (IOException e) {
      return null; // a killed server, or one not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
