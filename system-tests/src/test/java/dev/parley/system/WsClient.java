package dev.parley.system;

import dev.parley.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A WebSocket client that records every frame it receives, for tests to await and inspect. Every
 * frame is checked against docs/asyncapi.yaml ({@link ContractSchemas}) as it arrives; a frame
 * that breaks the contract fails the next look at the frames (or the close), naming it.
 */
public final class WsClient implements AutoCloseable {
  private final WebSocketClient client;
  private final WebSocket ws;
  private final List<JsonObject> frames;
  private final List<String> violations;
  private volatile Short closeCode;
  private volatile long closedAtNanos;

  private WsClient(
      WebSocketClient client, WebSocket ws, List<JsonObject> frames, List<String> violations) {
    this.client = client;
    this.ws = ws;
    this.frames = frames;
    this.violations = violations;
    ws.closeHandler(
        v -> {
          closedAtNanos = System.nanoTime();
          closeCode = ws.closeStatusCode();
        });
  }

  public static WsClient connect(Vertx vertx, int port, String token) {
    return connect(vertx, port, token, () -> {});
  }

  /**
   * Connects and runs {@code onOpen} the instant the handshake's answer arrives, on the client's
   * event loop, before the test thread wakes: for what must reach a connection the moment it opens.
   */
  public static WsClient connect(Vertx vertx, int port, String token, Runnable onOpen) {
    return open(
        vertx,
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/ws")
            .addHeader("Authorization", "Bearer " + token),
        onOpen);
  }

  /** Connects as {@code options} say (a ticket in the URI, an Origin header, ...). */
  public static WsClient open(Vertx vertx, WebSocketConnectOptions options) {
    return open(vertx, options, () -> {});
  }

  private static WsClient open(Vertx vertx, WebSocketConnectOptions options, Runnable onOpen) {
    WebSocketClient client = vertx.createWebSocketClient();
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    List<String> violations = new CopyOnWriteArrayList<>();
    ContractSchemas contract = ContractSchemas.shared();
    WebSocket ws =
        Cluster.await(
            client
                .connect(options)
                .onSuccess(
                    opened -> {
                      // set on the socket's event loop as it opens: no frame can come before the
                      // handler
                      opened.textMessageHandler(
                          text -> {
                            violations.addAll(contract.frameViolations(text));
                            frames.add(new JsonObject(text));
                          });
                      onOpen.run();
                    }));
    return new WsClient(client, ws, frames, violations);
  }

  public void sendText(String text) {
    Cluster.await(ws.writeTextMessage(text));
  }

  /** One frame as given: for messages split across frames, or bytes no String could hold. */
  public void writeFrame(WebSocketFrame frame) {
    Cluster.await(ws.writeFrame(frame));
  }

  public void send(JsonObject frame) {
    sendText(frame.encode());
  }

  public List<JsonObject> frames() {
    assertContract();
    return new ArrayList<>(frames);
  }

  /** Fails if a frame received so far breaks docs/asyncapi.yaml. */
  public void assertContract() {
    if (!violations.isEmpty()) {
      throw new AssertionError(
          "frames break the documented contract: " + String.join("; ", violations));
    }
  }

  public List<JsonObject> framesOfType(String type) {
    assertContract();
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject f : frames) {
      if (type.equals(f.getString("type"))) {
        out.add(f);
      }
    }
    return out;
  }

  /** Waits until at least {@code count} frames match; returns them. */
  public List<JsonObject> await(Predicate<JsonObject> match, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return Await.until(
        () -> {
          assertContract();
          List<JsonObject> hits = new ArrayList<>();
          for (JsonObject f : frames) {
            if (match.test(f)) {
              hits.add(f);
            }
          }
          return hits.size() >= count ? hits : null;
        },
        deadline,
        () ->
            "expected " + count + " matching frames, have " + frames.size() + " frames: " + tail());
  }

  public JsonObject awaitOne(Predicate<JsonObject> match, Duration timeout) {
    return await(match, 1, timeout).get(0);
  }

  public Short closeCode() {
    return closeCode;
  }

  /** When the connection closed ({@link System#nanoTime()}), or 0 while it is open. */
  public long closedAtNanos() {
    return closedAtNanos;
  }

  private String tail() {
    List<JsonObject> all = frames();
    return all.subList(Math.max(0, all.size() - 3), all.size()).toString();
  }

  @Override
  public void close() {
    try {
      Cluster.await(ws.close());
    } catch (RuntimeException e) {
      // already closed
    }
    client.close();
    assertContract();
  }
}
