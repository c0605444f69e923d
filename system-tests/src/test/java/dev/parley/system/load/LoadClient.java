package dev.parley.system.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chat client as the API contract asks one to behave: one WebSocket with a token; every send
 * retried under its one {@code client_msg_id} until acknowledged (after an error answer, after a
 * silence, after the connection dropped); after every (re)connect, each conversation resumed with
 * {@code GET …/messages?after_seq=<highest seq seen when the last connection ended>} before sending again; a lost connection
 * retried on the next gateway. It records what it saw ({@link SeenLog}), each send's outcome and
 * each connection's end, for a test to judge.
 *
 * <p>Every field is owned by the client's own context; the public methods hop onto it.
 */
public final class LoadClient {
  /** An attempt unanswered this long is sent again (the same client_msg_id, so at most one message). */
  private static final long ATTEMPT_TIMEOUT_MS = 10_000;

  /** A send not acknowledged within this long is a failed send: the suite then reports it. */
  private static final long SEND_DEADLINE_MS = 150_000;

  private static final long MAX_BACKOFF_MS = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient sockets;
  private final WebClient http;
  private final Gateways gateways;
  private final String userId;
  private final String token;
  private final List<String> conversations;
  private final SeenLog seen = new SeenLog();
  private final List<ConnectionEnd> ends = new CopyOnWriteArrayList<>();
  private final Promise<Void> firstResume = Promise.promise();
  private final AtomicInteger unfinished = new AtomicInteger();

  private final Map<String, PendingSend> pending = new LinkedHashMap<>();
  private WebSocket ws;
  private int gateway;
  private boolean ready;
  private boolean stopped;
  private long backoffMs;
  private volatile long resumedAtNanos;
  private volatile int resumedOn = -1;

  public LoadClient(
      Vertx vertx,
      WebSocketClient sockets,
      WebClient http,
      Gateways gateways,
      int firstGateway,
      String userId,
      String token,
      List<String> conversations) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.sockets = sockets;
    this.http = http;
    this.gateways = gateways;
    this.gateway = firstGateway;
    this.userId = userId;
    this.token = token;
    this.conversations = List.copyOf(conversations);
  }

  /** Connects and resumes; completes once the client is first ready to send. */
  public Future<Void> start() {
    context.runOnContext(v -> connect());
    return firstResume.future();
  }

  /** Sends until acknowledged (or the deadline passes: then the future fails). */
  public Future<SendOutcome> send(String conversationId, String content, String clientMsgId) {
    PendingSend p = new PendingSend(conversationId, clientMsgId, content);
    unfinished.incrementAndGet();
    context.runOnContext(
        v -> {
          pending.put(clientMsgId, p);
          vertx.setTimer(SEND_DEADLINE_MS, t -> finish(p, null));
          attempt(p);
        });
    return p.outcome.future();
  }

  /** Closes the connection from the client's side, as a network blip would; the client reconnects. */
  public void drop() {
    context.runOnContext(
        v -> {
          if (ws != null) {
            ws.close();
          }
        });
  }

  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          stopped = true;
          for (PendingSend p : new ArrayList<>(pending.values())) {
            finish(p, null);
          }
          (ws == null ? Future.<Void>succeededFuture() : ws.close())
              .onComplete(ar -> done.complete());
        });
    return done.future().timeout(10, TimeUnit.SECONDS).recover(e -> Future.succeededFuture());
  }

  public String userId() {
    return userId;
  }

  public List<String> conversations() {
    return conversations;
  }

  public SeenLog seen() {
    return seen;
  }

  public List<ConnectionEnd> ends() {
    return List.copyOf(ends);
  }

  /** When the last resume completed ({@link System#nanoTime()}), 0 before the first. */
  public long resumedAtNanos() {
    return resumedAtNanos;
  }

  /** The gateway the last resume was made on, -1 before the first. */
  public int resumedOn() {
    return resumedOn;
  }

  public boolean hasUnfinishedSend() {
    return unfinished.get() > 0;
  }

  private void connect() {
    if (stopped) {
      return;
    }
    int target = gateway;
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(gateways.port(target))
            .setURI("/ws")
            .addHeader("Authorization", "Bearer " + token);
    sockets
        .connect(options)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                gateway = gateways.next(target);
                later(this::connect);
                return;
              }
              WebSocket socket = ar.result();
              if (stopped) {
                socket.close();
                return;
              }
              ws = socket;
              // Where each conversation resumes: what this client had when its last connection
              // ended. Taken before the new connection's first frame, because live messages on it
              // may already be past what was missed meanwhile; resuming after those would skip it.
              Map<String, Long> resumeAfter = new HashMap<>();
              for (String c : conversations) {
                resumeAfter.put(c, seen.highest(c));
              }
              // set as the connection opens, on its event loop: no frame can arrive before them
              socket.textMessageHandler(this::onFrame);
              socket.closeHandler(v -> onClosed(socket, target));
              socket.exceptionHandler(e -> {}); // the close handler follows and does the work
              resume(socket, target, resumeAfter);
            });
  }

  /** Reads what was missed in every conversation, then sends what waits. */
  private void resume(WebSocket socket, int target, Map<String, Long> resumeAfter) {
    Future<Void> all = Future.succeededFuture();
    for (String c : conversations) {
      all = all.compose(v -> readAfter(target, c, resumeAfter.get(c)));
    }
    all.onComplete(
        ar -> {
          if (ws != socket || stopped) {
            return;
          }
          if (ar.failed()) {
            // e.g. 503 while Postgres is unreachable: the connection stays, the resume is retried
            later(() -> resume(socket, target, resumeAfter));
            return;
          }
          backoffMs = 0;
          ready = true;
          resumedAtNanos = System.nanoTime();
          resumedOn = target;
          firstResume.tryComplete();
          for (PendingSend p : new ArrayList<>(pending.values())) {
            if (p.inFlight == null) {
              attempt(p);
            }
          }
        });
  }

  private Future<Void> readAfter(int target, String conversationId, long after) {
    return http.get(
            gateways.port(target),
            "127.0.0.1",
            "/api/v1/conversations/" + conversationId + "/messages?limit=100&after_seq=" + after)
        .putHeader("Authorization", "Bearer " + token)
        .timeout(10_000)
        .send()
        .compose(
            resp -> {
              if (resp.statusCode() != 200) {
                return Future.failedFuture("history answered " + resp.statusCode());
              }
              JsonObject page = resp.bodyAsJsonObject();
              JsonArray items = page.getJsonArray("items");
              long last = after;
              for (int i = 0; i < items.size(); i++) {
                JsonObject message = items.getJsonObject(i);
                record(message);
                last = Math.max(last, message.getLong("seq"));
              }
              return page.getBoolean("has_more", false) && !items.isEmpty()
                  ? readAfter(target, conversationId, last)
                  : Future.succeededFuture();
            });
  }

  private void attempt(PendingSend p) {
    if (stopped || p.outcome.future().isComplete() || !ready || ws == null) {
      return; // sent again when the next resume completes
    }
    String frameId = p.nextFrameId();
    p.socket = ws;
    JsonObject frame =
        new JsonObject()
            .put("type", "message.send")
            .put("id", frameId)
            .put(
                "data",
                new JsonObject()
                    .put("conversation_id", p.conversationId)
                    .put("content", p.content)
                    .put("client_msg_id", p.clientMsgId));
    ws.writeTextMessage(frame.encode()); // a failed write shows as the connection closing
    p.timer =
        vertx.setTimer(
            ATTEMPT_TIMEOUT_MS,
            t -> {
              if (frameId.equals(p.inFlight)) {
                p.inFlight = null;
                attempt(p);
              }
            });
  }

  private void onFrame(String text) {
    JsonObject frame = new JsonObject(text);
    String type = frame.getString("type");
    JsonObject data = frame.getJsonObject("data");
    if ("message.new".equals(type)) {
      record(data);
      return;
    }
    if (!"ack".equals(type) && !"error".equals(type)) {
      return;
    }
    String frameId = frame.getString("id");
    PendingSend p = pending.get(PendingSend.clientMsgIdOf(frameId));
    if (p == null) {
      return;
    }
    if ("ack".equals(type)) {
      // an ack of any attempt is the ack: they all carry one client_msg_id
      finish(p, data.getLong("seq"));
    } else if (frameId.equals(p.inFlight)) {
      p.errorAnswers++;
      p.inFlight = null;
      vertx.cancelTimer(p.timer);
      long wait = data.getLong("retry_after_ms", 200L);
      vertx.setTimer(Math.max(1, wait), t -> attempt(p));
    }
  }

  private void record(JsonObject message) {
    seen.record(
        message.getString("conversation_id"), message.getLong("seq"), message.getLong("prev_seq"));
  }

  private void onClosed(WebSocket socket, int target) {
    if (ws == socket) {
      ws = null;
      ready = false;
    }
    Short code = socket.closeStatusCode();
    ends.add(
        new ConnectionEnd(target, code == null ? ConnectionEnd.ABNORMAL : code, System.nanoTime()));
    for (PendingSend p : pending.values()) {
      if (p.inFlight != null && p.socket == socket) {
        p.inFlight = null;
        p.unansweredAtClose++;
        vertx.cancelTimer(p.timer);
      }
    }
    gateway = gateways.next(target);
    connect();
  }

  /** Completes a send: acked with {@code seq}, or failed when seq is null (deadline or stop). */
  private void finish(PendingSend p, Long seq) {
    if (pending.remove(p.clientMsgId) == null) {
      return;
    }
    vertx.cancelTimer(p.timer);
    unfinished.decrementAndGet();
    if (seq == null) {
      p.outcome.fail(
          "send "
              + p.clientMsgId
              + " of "
              + userId
              + " not acknowledged after "
              + p.attempts
              + " attempts");
    } else {
      p.outcome.complete(
          new SendOutcome(
              p.conversationId,
              p.clientMsgId,
              seq,
              p.startedNanos,
              System.nanoTime(),
              p.attempts,
              p.errorAnswers,
              p.unansweredAtClose));
    }
  }

  private void later(Runnable action) {
    backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(50, backoffMs * 2));
    long jitter = ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
    vertx.setTimer(
        backoffMs + jitter,
        t -> {
          if (!stopped) {
            action.run();
          }
        });
  }
}
