package dev.parley.gateway.messages;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.gateway.failure.Failures;
import dev.parley.gateway.messagerows.MessageRows;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the originals of resends in Postgres by their {@code client_msg_id}, for many sends in
 * one query: a send arriving while {@value #MAX_IN_FLIGHT} lookups are in flight waits for the
 * next, which takes every send waiting then (at most {@value #MAX_BATCH}). At a trickle each send
 * still has its own query at once; under load the queries, their round trips and the pool's
 * connections no longer grow with the sends. Thread-safe: sends arrive on every event loop, and
 * each is answered on its own.
 */
final class ResendLookups {
  static final int MAX_IN_FLIGHT = 2;
  static final int MAX_BATCH = 256;

  private record Lookup(
      String conversationId,
      String senderId,
      String clientMsgId,
      Context ctx,
      Promise<ChatMessage> answer) {}

  private final Pool pool;

  /** Guarded by this, as is {@link #inFlight}. */
  private final ArrayDeque<Lookup> waiting = new ArrayDeque<>();

  private int inFlight;

  ResendLookups(Pool pool) {
    this.pool = pool;
  }

  /** The message sent earlier with this key; null when there is none. */
  Future<ChatMessage> original(String conversationId, String senderId, String clientMsgId) {
    Promise<ChatMessage> answer = Promise.promise();
    Lookup lookup =
        new Lookup(conversationId, senderId, clientMsgId, Vertx.currentContext(), answer);
    List<Lookup> batch;
    synchronized (this) {
      waiting.add(lookup);
      batch = takeBatch();
    }
    if (batch != null) {
      run(batch);
    }
    return answer.future();
  }

  /** The next batch, when a query may start now; null otherwise. Called holding the lock. */
  private List<Lookup> takeBatch() {
    if (waiting.isEmpty() || inFlight >= MAX_IN_FLIGHT) {
      return null;
    }
    inFlight++;
    List<Lookup> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
    while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(waiting.poll());
    }
    return batch;
  }

  private void run(List<Lookup> batch) {
    int n = batch.size();
    String[] conversations = new String[n];
    String[] senders = new String[n];
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      conversations[i] = batch.get(i).conversationId();
      senders[i] = batch.get(i).senderId();
      keys[i] = batch.get(i).clientMsgId();
    }
    Future<RowSet<Row>> rows;
    try {
      rows =
          pool.preparedQuery(MessageSql.BY_CLIENT_MSG_IDS)
              .execute(Tuple.of(conversations, senders, keys));
    } catch (RuntimeException e) {
      rows = Future.failedFuture(e);
    }
    rows.recover(Failures::database)
        .onComplete(
            ar -> {
              ChatMessage[] found = new ChatMessage[n];
              if (ar.succeeded()) {
                for (Row r : ar.result()) {
                  found[(int) r.getLong("i").longValue() - 1] = MessageRows.fromRow(r);
                }
              }
              for (int i = 0; i < n; i++) {
                answer(batch.get(i), ar.succeeded() ? found[i] : null, ar.cause());
              }
              List<Lookup> next;
              synchronized (this) {
                inFlight--;
                next = takeBatch();
              }
              if (next != null) {
                run(next);
              }
            });
  }

  private static void answer(Lookup lookup, ChatMessage found, Throwable failure) {
    Runnable complete =
        () -> {
          if (failure != null) {
            lookup.answer().tryFail(failure);
          } else {
            lookup.answer().tryComplete(found);
          }
        };
    if (lookup.ctx() == null) {
      complete.run();
    } else {
      lookup.ctx().runOnContext(v -> complete.run());
    }
  }
}
