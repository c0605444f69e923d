package dev.parley.system.cluster;

import dev.parley.client.Connection;
import dev.parley.client.Sent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Senders that each send one message at a time, at most one per {@code period}, the next only
 * once the last was acknowledged: so a sender's messages must be stored in the order it sent
 * them. Each send is retried by the client under its own {@code client_msg_id}
 * ({@code <user>-<n>}) until acked (or its deadline passes: a failure).
 */
final class PacedSenders {
  /** One acknowledged send. */
  record Acked(String sender, String conversationId, int index, String clientMsgId, Sent sent) {}

  private final Vertx vertx;
  private final long periodMillis;
  private final Queue<Acked> acked = new ConcurrentLinkedQueue<>();
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private final List<Future<Void>> stopped = new ArrayList<>();
  private volatile boolean stopping;

  PacedSenders(Vertx vertx, long periodMillis) {
    this.vertx = vertx;
    this.periodMillis = periodMillis;
  }

  void start(String user, Connection connection, String conversationId) {
    Promise<Void> done = Promise.promise();
    stopped.add(done.future());
    next(user, connection, conversationId, 0, done);
  }

  private void next(
      String user, Connection c, String conversationId, int index, Promise<Void> done) {
    if (stopping) {
      done.complete();
      return;
    }
    String id = user + "-" + index;
    long started = System.nanoTime();
    c.send(conversationId, "leader-kill " + id, id)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                acked.add(new Acked(user, conversationId, index, id, ar.result()));
              } else {
                failures.add(id + ": " + ar.cause());
              }
              long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
              vertx.setTimer(
                  Math.max(1, periodMillis - elapsedMillis),
                  t -> next(user, c, conversationId, index + 1, done));
            });
  }

  /** Starts no more sends; completes once every send in flight has its outcome. */
  Future<Void> stop() {
    stopping = true;
    return Future.all(stopped).mapEmpty();
  }

  List<Acked> acked() {
    return List.copyOf(acked);
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  /** Acknowledged sends whose first attempt began after {@code nanos} ({@link System#nanoTime}). */
  long ackedStartedAfter(long nanos) {
    return acked.stream().filter(a -> a.sent().startedNanos() > nanos).count();
  }
}
