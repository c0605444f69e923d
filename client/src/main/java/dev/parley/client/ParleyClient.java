package dev.parley.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry point: one per application, sharing one {@link Vertx} (which the caller owns) among
 * any number of {@link Connection}s. A connection costs no thread: its state lives on one event
 * loop, so one JVM holds tens of thousands of them.
 *
 * <pre>{@code
 * ParleyClient client = new ParleyClient(vertx, ClientOptions.defaults(Gateways.of("http://127.0.0.1:8080")));
 * Connection c = client.connect(ConnectionOptions.of("alice", token).onEvent(e -> ...));
 * c.ready().compose(v -> c.send(conversationId, "hello")).onSuccess(sent -> ...);
 * }</pre>
 */
public final class ParleyClient {
  private final Vertx vertx;
  private final ClientOptions options;
  private final List<WebSocketClient> sockets = new ArrayList<>();
  private final WebClient http;
  private final Rest rest;
  private final AtomicInteger nextSocketClient = new AtomicInteger();

  public ParleyClient(Vertx vertx, ClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    List<String> locals =
        options.localAddresses().isEmpty() ? List.of("") : options.localAddresses();
    for (String local : locals) {
      WebSocketClientOptions o =
          new WebSocketClientOptions()
              // the default (50 per gateway) would queue every handshake past it
              .setMaxConnections(1_000_000)
              .setConnectTimeout((int) options.connectTimeout().toMillis())
              .setTryUsePerMessageCompression(false);
      if (!local.isEmpty()) {
        o.setLocalAddress(local);
      }
      sockets.add(vertx.createWebSocketClient(o));
    }
    this.http =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout((int) options.connectTimeout().toMillis())
                .setUserAgent("parley-java-client"),
            new PoolOptions().setHttp1MaxSize(32));
    this.rest = new Rest(http, options.gateways());
  }

  public Rest rest() {
    return rest;
  }

  public ClientOptions options() {
    return options;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Source addresses are taken in turn, so connections spread evenly over them. */
  WebSocketClient nextSocketClient() {
    return sockets.get(Math.floorMod(nextSocketClient.getAndIncrement(), sockets.size()));
  }

  /**
   * Starts a connection (it connects, and reconnects, on its own); {@link Connection#ready()}
   * completes once it can send. Connections take the event loops in turn.
   */
  public Connection connect(ConnectionOptions connection) {
    Connection c = new Connection(this, connection);
    c.start();
    return c;
  }

  /** Closes the HTTP and WebSocket clients (open connections end); the Vert.x stays the caller's. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (WebSocketClient s : sockets) {
      closing.add(s.close());
    }
    http.close();
    return Future.join(closing).mapEmpty();
  }
}
