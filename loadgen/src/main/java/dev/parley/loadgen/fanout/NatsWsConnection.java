package dev.parley.loadgen.fanout;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.VertxInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One floor connection: the NATS text protocol (CONNECT, SUB, PUB, MSG, PING, PONG) over a
 * WebSocket, one subject per group ({@code fan.<group>}). Owned by its event loop; the payloads
 * are ASCII, so a character index is a byte index.
 */
final class NatsWsConnection {
  private static final String CRLF = "\r\n";

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient sockets;
  private final int port;
  private final Receiver receiver;
  private final List<Integer> groups;
  private final Promise<Void> ready = Promise.promise();

  /** Who waits for each PONG, in order: the readiness check, or a PUB's time and phase. */
  private final ArrayDeque<Object> pongWaiters = new ArrayDeque<>();

  private record PubWaiter(Phase phase, long sentNanos) {}

  private WebSocket ws;
  private String pendingText = "";
  private int closes;

  NatsWsConnection(
      Vertx vertx, WebSocketClient sockets, int port, Receiver receiver, List<Integer> groups) {
    this.vertx = vertx;
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    this.sockets = sockets;
    this.port = port;
    this.receiver = receiver;
    this.groups = groups;
  }

  Future<Void> open() {
    context.runOnContext(
        v ->
            sockets
                .connect(
                    new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
                .onFailure(ready::tryFail)
                .onSuccess(this::opened));
    return ready.future();
  }

  int closes() {
    return closes;
  }

  private void opened(WebSocket socket) {
    ws = socket;
    socket.binaryMessageHandler(this::onBytes);
    socket.textMessageHandler(t -> onBytes(Buffer.buffer(t)));
    socket.closeHandler(v -> closes++);
    socket.exceptionHandler(e -> {});
    StringBuilder hello =
        new StringBuilder("CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1}\r\n");
    for (int g : groups) {
      hello.append("SUB fan.").append(g).append(' ').append(g + 1).append(CRLF);
    }
    hello.append("PING\r\n");
    pongWaiters.add(ready);
    write(hello.toString());
  }

  /** Publishes on the group's subject, then PINGs: the PONG says the server handled it. */
  void publish(int group, String content, Phase phase) {
    context.runOnContext(
        v -> {
          if (ws == null) {
            phase.failed(new IllegalStateException("floor connection not open"));
            return;
          }
          long now = System.nanoTime();
          pongWaiters.add(new PubWaiter(phase, now));
          write(
              "PUB fan." + group + " " + content.length() + CRLF + content + CRLF + "PING" + CRLF);
        });
  }

  private void write(String text) {
    ws.writeBinaryMessage(Buffer.buffer(text.getBytes(StandardCharsets.US_ASCII)));
  }

  @SuppressWarnings("unchecked")
  private void onBytes(Buffer bytes) {
    String text =
        pendingText.isEmpty()
            ? bytes.toString(StandardCharsets.US_ASCII)
            : pendingText + bytes.toString(StandardCharsets.US_ASCII);
    int at = 0;
    long now = System.nanoTime();
    while (at < text.length()) {
      int eol = text.indexOf(CRLF, at);
      if (eol < 0) {
        break;
      }
      if (text.startsWith("MSG ", at)) {
        int lastSpace = text.lastIndexOf(' ', eol);
        int size = Integer.parseInt(text, lastSpace + 1, eol, 10);
        int payloadEnd = eol + 2 + size;
        if (payloadEnd + 2 > text.length()) {
          break; // the rest of this message is in the next frame
        }
        receiver.onContent(text.substring(eol + 2, payloadEnd), -1, now);
        at = payloadEnd + 2;
        continue;
      }
      if (text.startsWith("PING", at)) {
        write("PONG\r\n");
      } else if (text.startsWith("PONG", at)) {
        Object waiter = pongWaiters.poll();
        if (waiter instanceof PubWaiter p) {
          p.phase().acked(now - p.sentNanos());
        } else if (waiter instanceof Promise<?> promise) {
          ((Promise<Void>) promise).tryComplete();
        }
      } else if (text.startsWith("-ERR", at)) {
        Object waiter = pongWaiters.peek();
        if (waiter instanceof PubWaiter p) {
          p.phase().failed(new IllegalStateException(text.substring(at, eol)));
        }
      }
      at = eol + 2;
    }
    pendingText = at >= text.length() ? "" : text.substring(at);
  }
}
