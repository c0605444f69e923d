package dev.parley.client;

import dev.parley.client.Event.MessageNew;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One user's WebSocket, kept open as docs/api.md asks of a client: reconnected with a growing,
 * jittered backoff on the next gateway whenever it ends (as the close code says:
 * {@link CloseReason}); followed conversations resumed from history after every connect; every
 * send retried under its one {@code client_msg_id} until acknowledged (after a retryable error,
 * after silence, after the connection dropped), so it is stored exactly once.
 *
 * <p>All state is owned by the connection's event loop; the public methods may be called from any
 * thread and hop onto it. Callbacks (events, ends, futures) run on it too: do not block in them.
 */
public final class Connection {
  /**
   * A connection ended (or a handshake failed: {@code failure} set, {@code code} null).
   *
   * @param reconnecting false when the client stops: closed by {@link #close()} or by a 1008
   */
  public record Ended(
      int gateway, Short code, CloseReason reason, boolean reconnecting, Throwable failure) {}

  private static final int HISTORY_PAGE = 100;

  private final ParleyClient client;
  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final ConnectionOptions spec;
  private final Backoff backoff;
  private final Followed followed;
  private final Promise<Void> firstReady = Promise.promise();
  private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
  private volatile Thread loop;

  private Map<String, PendingSend> pending;
  private Map<String, Promise<JsonObject>> requests;
  private WebSocket ws;
  private int gateway;
  private boolean ready;
  private boolean closed;
  private long counter;
  private volatile int handshakes;

  Connection(ParleyClient client, ConnectionOptions spec) {
    this.client = client;
    this.vertx = client.vertx();
    // an event loop of its own, in turn: getOrCreateContext() would put every connection made
    // from one thread on the same loop
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    this.options = client.options();
    this.spec = spec;
    this.gateway = spec.firstGateway;
    this.backoff =
        new Backoff(
            options.backoffBase().toMillis(),
            options.backoffMax().toMillis(),
            n -> ThreadLocalRandom.current().nextLong(n + 1));
    if (spec.follow.isEmpty()) {
      this.followed = null;
    } else {
      this.followed = new Followed();
      spec.follow.forEach(followed::follow);
    }
  }

  void start() {
    context.runOnContext(
        v -> {
          loop = Thread.currentThread();
          connect();
        });
  }

  /** Completes once the connection is first open and resumed, ready to send. */
  public Future<Void> ready() {
    return firstReady.future();
  }

  public String userId() {
    return spec.userId;
  }

  /** Handshakes that succeeded, minus the first: how often it reconnected. */
  public int reconnects() {
    return Math.max(0, handshakes - 1);
  }

  /** Sends with a {@code client_msg_id} of its own making. */
  public Future<Sent> send(String conversationId, String content) {
    PendingSend p = new PendingSend(conversationId, null, content);
    return send(p, true);
  }

  /**
   * Sends until acknowledged, every attempt under {@code clientMsgId}; fails with {@link ApiError}
   * when the server refuses it for good (a code that retrying cannot cure), or when it was not
   * acknowledged within the client's send deadline, or the connection was closed first.
   */
  public Future<Sent> send(String conversationId, String content, String clientMsgId) {
    return send(new PendingSend(conversationId, clientMsgId, content), false);
  }

  /**
   * Any other client frame ({@code typing.start}, {@code presence.update}, {@code message.read}):
   * the ack's data, or an {@link ApiError}. Sent once, on the connection open now.
   */
  public Future<JsonObject> request(String type, JsonObject data) {
    Promise<JsonObject> answer = Promise.promise();
    onLoop(
        () -> {
          if (ws == null || !ready) {
            answer.fail(new ApiError(0, "unavailable", "not connected"));
            return;
          }
          String id = "~" + (++counter);
          if (requests == null) {
            requests = new HashMap<>();
          }
          requests.put(id, answer);
          ws.writeTextMessage(
              new JsonObject().put("type", type).put("id", id).put("data", data).encode());
        });
    return answer.future();
  }

  /** Ends the current connection from this side, as a network blip would; the client reconnects. */
  public void drop() {
    onLoop(
        () -> {
          if (ws != null) {
            ws.close();
          }
        });
  }

  /** Closes for good: pending sends fail, no reconnect. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    onLoop(
        () -> {
          closed = true;
          if (pending != null) {
            for (PendingSend p : new ArrayList<>(pending.values())) {
              fail(p, new ApiError(0, "closed", "the connection was closed before the ack"));
            }
          }
          if (ws == null) {
            done.complete();
          } else {
            ws.close().onComplete(ar -> done.complete());
          }
        });
    return done.future();
  }

  private Future<Sent> send(PendingSend proposed, boolean generateId) {
    onLoop(
        () -> {
          PendingSend p = proposed;
          if (generateId) {
            p = new PendingSend(p.conversationId, idPrefix + "-" + (++counter), p.content);
            p.outcome.future().onComplete(proposed.outcome);
          }
          if (closed) {
            p.outcome.fail(new ApiError(0, "closed", "the connection is closed"));
            return;
          }
          if (pending == null) {
            pending = new HashMap<>();
          }
          if (pending.putIfAbsent(p.clientMsgId, p) != null) {
            p.outcome.fail(
                new IllegalStateException("already sending client_msg_id " + p.clientMsgId));
            return;
          }
          PendingSend sending = p;
          p.deadlineTimer =
              vertx.setTimer(
                  options.sendDeadline().toMillis(),
                  t ->
                      fail(
                          sending,
                          new ApiError(
                              0,
                              "timeout",
                              "not acknowledged after "
                                  + sending.attempts
                                  + " attempts in "
                                  + options.sendDeadline())));
          attempt(p);
        });
    return proposed.outcome.future();
  }

  private void connect() {
    if (closed) {
      return;
    }
    int target = gateway;
    Gateways.Gateway g = options.gateways().get(target);
    String token = spec.token.get();
    Future<String> uri =
        spec.ticket
            ? client
                .rest()
                .wsTicket(target, token)
                .map(t -> "/ws?ticket=" + URLEncoder.encode(t, StandardCharsets.UTF_8))
            : Future.succeededFuture("/ws");
    uri.compose(
            path -> {
              WebSocketConnectOptions o =
                  new WebSocketConnectOptions()
                      .setHost(g.host())
                      .setPort(g.port())
                      .setSsl(g.tls())
                      .setURI(path);
              if (!spec.ticket) {
                o.addHeader("Authorization", "Bearer " + token);
              }
              return client.nextSocketClient().connect(o);
            })
        .onComplete(
            ar -> {
              if (ar.failed()) {
                spec.onEnded.accept(
                    new Ended(target, null, CloseReason.DROPPED, !closed, ar.cause()));
                gateway = options.gateways().next(target);
                later(backoff.next(), this::connect);
                return;
              }
              opened(ar.result(), target);
            });
  }

  private void opened(WebSocket socket, int target) {
    if (closed) {
      socket.close();
      return;
    }
    ws = socket;
    handshakes++;
    // set as the connection opens, on its event loop: no frame can arrive before them
    socket.textMessageHandler(this::onText);
    socket.closeHandler(v -> onClosed(socket, target));
    socket.exceptionHandler(e -> {}); // the close handler follows and does the work
    if (followed == null) {
      becomeReady();
      return;
    }
    // Every followed conversation holds its live messages from this instant, and is read after
    // what was delivered before it: what the client had when the last connection ended.
    List<Future<Void>> reads = new ArrayList<>();
    for (String c : followed.conversations()) {
      reads.add(read(socket, target, c, followed.beginRead(c)));
    }
    Future.all(reads)
        .onComplete(
            ar -> {
              if (ws == socket && ar.succeeded()) {
                becomeReady();
              }
            });
  }

  /** Reads history after {@code after} until the end, delivering what is new; retried on errors. */
  private Future<Void> read(WebSocket socket, int target, String conversationId, long after) {
    Promise<Void> done = Promise.promise();
    client
        .rest()
        .messagesAfter(target, spec.token.get(), conversationId, after, HISTORY_PAGE)
        .onComplete(
            ar -> {
              if (ws != socket) {
                done.fail("connection ended"); // the next connection reads again
                return;
              }
              if (ar.failed()) {
                // e.g. 503 while Postgres is unreachable: the connection stays, the read is retried
                later(
                    backoff.next(),
                    () -> read(socket, target, conversationId, after).onComplete(done));
                return;
              }
              JsonArray items = ar.result().getJsonArray("items", new JsonArray());
              List<MessageNew> page = new ArrayList<>(items.size());
              for (int i = 0; i < items.size(); i++) {
                page.add(MessageNew.of(items.getJsonObject(i), true));
              }
              for (MessageNew m : followed.onHistory(conversationId, page)) {
                spec.onEvent.accept(m);
              }
              if (ar.result().getBoolean("has_more", false) && !page.isEmpty()) {
                read(socket, target, conversationId, page.get(page.size() - 1).seq())
                    .onComplete(done);
                return;
              }
              for (MessageNew m : followed.endRead(conversationId)) {
                spec.onEvent.accept(m);
              }
              done.complete();
            });
    return done.future();
  }

  private void becomeReady() {
    ready = true;
    backoff.reset();
    firstReady.tryComplete();
    if (pending != null) {
      for (PendingSend p : new ArrayList<>(pending.values())) {
        if (p.inFlight == null) {
          attempt(p);
        }
      }
    }
  }

  private void attempt(PendingSend p) {
    if (closed || p.outcome.future().isComplete() || !ready || ws == null) {
      return; // sent again once the next connection is ready
    }
    String frameId = p.nextFrameId();
    p.socket = ws;
    JsonObject data =
        new JsonObject()
            .put("conversation_id", p.conversationId)
            .put("content", p.content)
            .put("client_msg_id", p.clientMsgId);
    ws.writeTextMessage(
        new JsonObject().put("type", "message.send").put("id", frameId).put("data", data).encode());
    p.attemptTimer =
        vertx.setTimer(
            options.attemptTimeout().toMillis(),
            t -> {
              if (frameId.equals(p.inFlight)) {
                p.inFlight = null;
                p.unanswered++;
                attempt(p);
              }
            });
  }

  private void onText(String text) {
    Event e = Event.parse(text);
    if (e instanceof MessageNew m) {
      onMessage(m);
      return;
    }
    if (e instanceof Event.Ack a) {
      answered(a.id(), a.data(), null);
    } else if (e instanceof Event.ErrorFrame err) {
      answered(err.id(), null, err);
    }
    spec.onEvent.accept(e);
  }

  private void onMessage(MessageNew m) {
    if (followed == null) {
      spec.onEvent.accept(m);
      return;
    }
    switch (followed.onLive(m)) {
      case DELIVER -> spec.onEvent.accept(m);
      case GAP -> {
        // its prev_seq names a message this client never got: read what is missing
        WebSocket socket = ws;
        read(socket, gateway, m.conversationId(), followed.highest(m.conversationId()));
      }
      case DUPLICATE, HELD -> {}
    }
  }

  private void answered(String frameId, JsonObject ack, Event.ErrorFrame error) {
    if (frameId == null) {
      return;
    }
    if (requests != null && frameId.startsWith("~")) {
      Promise<JsonObject> answer = requests.remove(frameId);
      if (answer != null) {
        if (error == null) {
          answer.complete(ack);
        } else {
          answer.fail(new ApiError(0, error.code(), error.message()));
        }
      }
      return;
    }
    PendingSend p = pending == null ? null : pending.get(PendingSend.clientMsgIdOf(frameId));
    if (p == null) {
      return;
    }
    if (error == null) {
      // an ack of any attempt is the ack: they all carry one client_msg_id
      finish(p, ack);
    } else if (!error.retryable()) {
      fail(p, new ApiError(0, error.code(), error.message()));
    } else if (frameId.equals(p.inFlight)) {
      p.errorAnswers++;
      p.inFlight = null;
      vertx.cancelTimer(p.attemptTimer);
      long wait = error.retryAfterMs() != null ? error.retryAfterMs() : 200;
      later(Math.max(1, wait), () -> attempt(p));
    }
  }

  private void onClosed(WebSocket socket, int target) {
    if (ws == socket) {
      ws = null;
      ready = false;
    }
    CloseReason reason = CloseReason.of(socket.closeStatusCode());
    if (pending != null) {
      for (PendingSend p : pending.values()) {
        if (p.inFlight != null && p.socket == socket) {
          p.inFlight = null;
          p.unanswered++;
          vertx.cancelTimer(p.attemptTimer);
        }
      }
    }
    if (requests != null) {
      requests.values().forEach(r -> r.tryFail(new ApiError(0, "unavailable", "connection ended")));
      requests.clear();
    }
    if (reason.reconnect() == CloseReason.Reconnect.NEVER && !closed) {
      closed = true;
      spec.onEnded.accept(new Ended(target, socket.closeStatusCode(), reason, false, null));
      if (pending != null) {
        for (PendingSend p : new ArrayList<>(pending.values())) {
          fail(p, new ApiError(0, "closed", "the server closed with " + reason.code()));
        }
      }
      return;
    }
    spec.onEnded.accept(new Ended(target, socket.closeStatusCode(), reason, !closed, null));
    gateway = options.gateways().next(target);
    if (reason.reconnect() == CloseReason.Reconnect.AT_ONCE) {
      connect();
    } else {
      later(backoff.next(), this::connect);
    }
  }

  private void finish(PendingSend p, JsonObject message) {
    if (pending.remove(p.clientMsgId) == null) {
      return;
    }
    vertx.cancelTimer(p.attemptTimer);
    vertx.cancelTimer(p.deadlineTimer);
    p.outcome.complete(
        new Sent(
            p.conversationId,
            p.clientMsgId,
            message.getLong("seq", -1L),
            message,
            p.startedNanos,
            System.nanoTime(),
            p.attempts,
            p.errorAnswers,
            p.unanswered));
  }

  private void fail(PendingSend p, Throwable why) {
    if (pending == null || pending.remove(p.clientMsgId) == null) {
      return;
    }
    vertx.cancelTimer(p.attemptTimer);
    vertx.cancelTimer(p.deadlineTimer);
    p.outcome.fail(why);
  }

  private void later(long delayMs, Runnable action) {
    vertx.setTimer(
        Math.max(1, delayMs),
        t -> {
          if (!closed) {
            action.run();
          }
        });
  }

  /** Runs on the connection's event loop: at once when already there. */
  private void onLoop(Runnable action) {
    if (Thread.currentThread() == loop) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
