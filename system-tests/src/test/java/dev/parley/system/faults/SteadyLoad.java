package dev.parley.system.faults;

import dev.parley.system.Api;
import dev.parley.system.Cluster;
import dev.parley.system.load.Gateways;
import dev.parley.system.load.LoadClient;
import dev.parley.system.load.SendOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Users in groups, one {@link LoadClient} each, alternating between the two gateways, and a steady
 * trickle of sends through them: every tick the next client with nothing unacknowledged sends one
 * message to its group. What each send came to is kept for the row's verdict.
 */
final class SteadyLoad implements AutoCloseable {
  private final Vertx vertx;
  private final WebSocketClient sockets;
  private final WebClient http;
  private final String tag;
  private final Map<String, List<LoadClient>> members = new LinkedHashMap<>();
  private final List<LoadClient> clients = new ArrayList<>();
  private final ConcurrentLinkedQueue<SendOutcome> outcomes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger sent = new AtomicInteger();
  private long ticker = -1;
  private int next;

  private SteadyLoad(Vertx vertx, String tag) {
    this.vertx = vertx;
    this.tag = tag;
    this.sockets =
        vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxConnections(20_000).setConnectTimeout(10_000));
    this.http =
        WebClient.create(
            vertx,
            new WebClientOptions().setConnectTimeout(5_000),
            new PoolOptions().setHttp1MaxSize(32).setMaxWaitQueueSize(-1));
  }

  /**
   * {@code users} users in groups of {@code groupSize} (created on gateway 0; members alternate
   * between the gateways), each connected and resumed before this returns.
   */
  static SteadyLoad start(Vertx vertx, FaultCluster cluster, String tag, int users, int groupSize) {
    SteadyLoad load = new SteadyLoad(vertx, tag);
    try {
      load.connect(cluster, users, groupSize);
      return load;
    } catch (RuntimeException e) {
      load.close();
      throw e;
    }
  }

  private void connect(FaultCluster cluster, int users, int groupSize) {
    JWTAuth jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("HS256")
                        .setBuffer(FaultCluster.JWT_SECRET)));
    Gateways gateways = cluster.gateways();
    try (Api api = new Api(vertx, "http://127.0.0.1:" + cluster.port(0))) {
      for (int first = 0; first < users; first += groupSize) {
        List<String> ids = new ArrayList<>();
        for (int u = first; u < Math.min(users, first + groupSize); u++) {
          ids.add(tag + "-u" + u);
        }
        String owner = token(jwt, ids.get(0));
        String conversationId =
            api.createGroup(owner, tag + "-g" + first / groupSize, ids.subList(1, ids.size()))
                .getString("id");
        List<LoadClient> group = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          String id = ids.get(i);
          group.add(
              new LoadClient(
                  vertx,
                  sockets,
                  http,
                  gateways,
                  (first + i) % 2,
                  id,
                  token(jwt, id),
                  List.of(conversationId)));
        }
        members.put(conversationId, group);
        clients.addAll(group);
      }
    }
    // in batches: a whole deployment's clients connecting in one instant is a row of its own
    for (int from = 0; from < clients.size(); from += 250) {
      List<Future<Void>> started = new ArrayList<>();
      for (LoadClient c : clients.subList(from, Math.min(clients.size(), from + 250))) {
        started.add(c.start());
      }
      Cluster.await(Future.all(started));
    }
  }

  private static String token(JWTAuth jwt, String userId) {
    return jwt.generateToken(
        new JsonObject()
            .put("sub", userId)
            .put("name", userId)
            .put("exp", System.currentTimeMillis() / 1000 + 3600),
        new JWTOptions().setAlgorithm("HS256"));
  }

  /** Starts sending {@code perSecond} messages a second in all, spread over the clients in turn. */
  void startSending(int perSecond) {
    long period = Math.max(1, 1000 / perSecond);
    ticker = vertx.setPeriodic(period, t -> sendNext());
  }

  private void sendNext() {
    for (int tries = 0; tries < clients.size(); tries++) {
      LoadClient c = clients.get(next);
      next = (next + 1) % clients.size();
      if (!c.hasUnfinishedSend()) {
        String clientMsgId = c.userId() + "-m" + sent.incrementAndGet();
        c.send(c.conversations().get(0), "load " + clientMsgId, clientMsgId)
            .onSuccess(outcomes::add)
            .onFailure(e -> failures.add(e.getMessage()));
        return;
      }
    }
  }

  /** Stops starting sends; what was started goes on until acknowledged. */
  void stopSending() {
    if (ticker >= 0) {
      vertx.cancelTimer(ticker);
      ticker = -1;
    }
  }

  boolean settled() {
    return clients.stream().noneMatch(LoadClient::hasUnfinishedSend);
  }

  List<LoadClient> clients() {
    return clients;
  }

  Map<String, List<LoadClient>> members() {
    return members;
  }

  List<SendOutcome> outcomes() {
    return new ArrayList<>(outcomes);
  }

  List<String> failures() {
    return new ArrayList<>(failures);
  }

  @Override
  public void close() {
    stopSending();
    List<Future<Void>> stopped = new ArrayList<>();
    for (LoadClient c : clients) {
      stopped.add(c.stop());
    }
    Cluster.await(Future.join(stopped).transform(ar -> sockets.close()));
    http.close();
  }
}
