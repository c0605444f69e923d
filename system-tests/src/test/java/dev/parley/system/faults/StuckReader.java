package dev.parley.system.faults;

import dev.parley.system.Api;
import dev.parley.system.Cluster;
import dev.parley.system.load.ConnectionEnd;
import dev.parley.system.load.Gateways;
import dev.parley.system.load.LoadClient;
import dev.parley.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that never reads, and the traffic that makes it matter: it shares a group on gateway 1
 * with a sender that posts near-limit messages back to back, while its own socket is paused from
 * the moment it opens (its receive buffer small, so the backlog builds in the gateway rather than
 * in the kernel). When the gateway has cut it off, {@link #readAndAwaitClose} reads what was
 * queued for it, up to the close frame, to learn the close code.
 */
final class StuckReader implements AutoCloseable {
  private static final String BIG = "x".repeat(15_000);

  private final Vertx vertx;
  private final String userId;
  private final String conversationId;
  private final WebSocketClient stuckClient;
  private final WebSocketClient senderSockets;
  private final WebClient senderHttp;
  private final LoadClient sender;
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicInteger floodAcked = new AtomicInteger();
  private volatile WebSocket stuck;
  private volatile Short closeCode;
  private volatile boolean flooding;

  private StuckReader(Vertx vertx, FaultCluster cluster, String userId) {
    this.vertx = vertx;
    this.userId = userId;
    JWTAuth jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("HS256")
                        .setBuffer(FaultCluster.JWT_SECRET)));
    String senderId = userId + "-sender";
    String senderToken = token(jwt, senderId);
    try (Api api = new Api(vertx, "http://127.0.0.1:" + cluster.port(0))) {
      conversationId = api.createGroup(senderToken, "firehose", List.of(userId)).getString("id");
    }
    stuckClient =
        vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(16 * 1024));
    stuck =
        Cluster.await(
            stuckClient
                .connect(
                    new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(cluster.port(0))
                        .setURI("/ws")
                        .addHeader("Authorization", "Bearer " + token(jwt, userId)))
                .onSuccess(
                    ws -> {
                      ws.pause(); // never reads: from here on the gateway's writes to it pile up
                      ws.handler(b -> bytesRead.addAndGet(b.length()));
                      ws.closeHandler(
                          v ->
                              closeCode =
                                  ws.closeStatusCode() == null
                                      ? ConnectionEnd.ABNORMAL
                                      : ws.closeStatusCode());
                    }));
    senderSockets = vertx.createWebSocketClient();
    senderHttp =
        WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(2));
    sender =
        new LoadClient(
            vertx,
            senderSockets,
            senderHttp,
            new Gateways(List.of(cluster.port(0), cluster.port(1))),
            0,
            senderId,
            senderToken,
            List.of(conversationId));
    Cluster.await(sender.start());
  }

  static StuckReader start(Vertx vertx, FaultCluster cluster, String userId) {
    return new StuckReader(vertx, cluster, userId);
  }

  String userId() {
    return userId;
  }

  /** Starts posting 15 kB messages to the stuck client's group, one as soon as the last is acked. */
  void flood() {
    flooding = true;
    vertx.runOnContext(v -> sendNext());
  }

  private void sendNext() {
    if (!flooding) {
      return;
    }
    String id = userId + "-flood-" + floodAcked.get();
    sender
        .send(conversationId, BIG, id)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                floodAcked.incrementAndGet();
              }
              sendNext();
            });
  }

  void stopFlood() {
    flooding = false;
  }

  /** Reads what waited for the client and returns the close code it finds (null if none within {@code timeout}). */
  Short readAndAwaitClose(Duration timeout) {
    stuck.resume();
    try {
      return Await.until(() -> closeCode, System.nanoTime() + timeout.toNanos(), () -> "no close");
    } catch (AssertionError e) {
      return null;
    }
  }

  String progress() {
    return floodAcked.get()
        + " flood messages acked, "
        + bytesRead.get() / 1024
        + " KiB read by the stuck client";
  }

  @Override
  public void close() {
    flooding = false;
    Cluster.await(sender.stop());
    Cluster.await(stuck.close().recover(e -> Future.succeededFuture()));
    Cluster.await(stuckClient.close());
    Cluster.await(senderSockets.close());
    senderHttp.close();
  }

  private static String token(JWTAuth jwt, String userId) {
    return jwt.generateToken(
        new JsonObject().put("sub", userId).put("exp", System.currentTimeMillis() / 1000 + 3600),
        new JWTOptions().setAlgorithm("HS256"));
  }
}
