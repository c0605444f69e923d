package dev.parley.worker.deadletters;

import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a dead letter back into the stream, once its cause is fixed: the same subject, headers and
 * bytes, as a new entry the worker then stores like any other. A dead letter is named by its stream
 * and its sequence there (each partition's stream counts its own). The row is claimed first, so two
 * replays of one dead letter cannot both publish; a failed publish releases it again.
 */
public final class DeadLetterReplay {
  /** Names the dead letter a replayed entry came from: {@code <seq>}, or {@code <stream>/<seq>}. */
  public static final String REPLAY_OF_HEADER = "Parley-Replay-Of";

  /**
   * Left out on replay: within the duplicate window the stream would drop the entry as a resend of
   * the original; the worker's keys (message id, client_msg_id) still keep it from being stored twice.
   */
  static final String MSG_ID_HEADER = "Nats-Msg-Id";

  static final String WAITING_WITH_SEQ =
      "SELECT stream FROM dead_letters WHERE stream_seq = $1 AND replayed_at IS NULL ORDER BY stream";
  static final String PENDING =
      """
      SELECT stream, stream_seq FROM dead_letters WHERE replayed_at IS NULL
      ORDER BY recorded_at, stream, stream_seq""";
  static final String CLAIM =
      """
      UPDATE dead_letters SET replayed_at = now()
      WHERE stream = $1 AND stream_seq = $2 AND replayed_at IS NULL
      RETURNING subject, headers, payload""";
  static final String RECORD =
      """
      UPDATE dead_letters SET replayed_as_seq = $3, replayed_to_stream = $4
      WHERE stream = $1 AND stream_seq = $2""";
  static final String RELEASE =
      """
      UPDATE dead_letters SET replayed_at = NULL
      WHERE stream = $1 AND stream_seq = $2 AND replayed_as_seq IS NULL""";

  /**
   * One dead letter: {@code stream} is {@code ""} for rows recorded before streams were named
   * (migration V9), when there was one.
   */
  public record Key(String stream, long seq) {
    /** As the command prints it. */
    @Override
    public String toString() {
      return stream.isEmpty() ? Long.toString(seq) : stream + "/" + seq;
    }
  }

  /** Where the replayed entry went: the stream its subject maps to now, and its sequence there. */
  public record Replayed(String stream, long seq) {}

  private final Pool pool;
  private final JetStream stream;

  public DeadLetterReplay(Pool pool, JetStream stream) {
    this.pool = pool;
    this.stream = stream;
  }

  /** Every dead letter not replayed yet, oldest first. */
  public Future<List<Key>> pending() {
    return pool.query(PENDING)
        .execute()
        .map(
            rows -> {
              List<Key> keys = new ArrayList<>();
              rows.forEach(r -> keys.add(new Key(r.getString("stream"), r.getLong("stream_seq"))));
              return keys;
            });
  }

  /**
   * The waiting dead letter of sequence {@code seq}: in {@code streamName}, or when that is null in
   * whichever stream holds one; fails when none waits, or when several streams do.
   */
  public Future<Key> find(String streamName, long seq) {
    if (streamName != null) {
      return Future.succeededFuture(new Key(streamName, seq));
    }
    return pool.preparedQuery(WAITING_WITH_SEQ)
        .execute(Tuple.of(seq))
        .compose(
            rows -> {
              List<String> streams = new ArrayList<>();
              rows.forEach(r -> streams.add(r.getString("stream")));
              if (streams.isEmpty()) {
                return Future.failedFuture(notWaiting(seq));
              }
              if (streams.size() > 1) {
                return Future.failedFuture(
                    new IllegalArgumentException(
                        "dead letters with stream_seq "
                            + seq
                            + " wait in "
                            + streams.size()
                            + " streams ("
                            + String.join(", ", streams)
                            + "): name one with --stream"));
              }
              return Future.succeededFuture(new Key(streams.get(0), seq));
            });
  }

  /** Republishes dead letter {@code key}. */
  public Future<Replayed> replay(Key key) {
    Tuple where = Tuple.of(key.stream(), key.seq());
    return pool.preparedQuery(CLAIM)
        .execute(where)
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(notWaiting(key));
              }
              Row row = rows.iterator().next();
              return publish(key, row)
                  .compose(
                      replayed ->
                          pool.preparedQuery(RECORD)
                              .execute(
                                  Tuple.of(
                                      key.stream(), key.seq(), replayed.seq(), replayed.stream()))
                              .map(replayed))
                  .recover(
                      e ->
                          pool.preparedQuery(RELEASE)
                              .execute(where)
                              .transform(released -> Future.<Replayed>failedFuture(e)));
            });
  }

  private static IllegalArgumentException notWaiting(Object which) {
    return new IllegalArgumentException(
        "no dead letter "
            + which
            + " waiting for replay (unknown, or replayed already; the stream_seq and stream"
            + " columns of dead_letters name them)");
  }

  private Future<Replayed> publish(Key key, Row row) {
    Headers headers = headers(row.getString("headers"));
    headers.put(REPLAY_OF_HEADER, key.toString());
    return Future.fromCompletionStage(
            stream.publishAsync(
                row.getString("subject"), headers, row.getBuffer("payload").getBytes()))
        .map((PublishAck ack) -> new Replayed(ack.getStream(), ack.getSeqno()));
  }

  static Headers headers(String json) {
    Headers headers = new Headers();
    JsonObject all = new JsonObject(json);
    for (String name : all.fieldNames()) {
      if (MSG_ID_HEADER.equalsIgnoreCase(name)) {
        continue;
      }
      JsonArray values = all.getJsonArray(name);
      for (Object value : values) {
        headers.add(name, String.valueOf(value));
      }
    }
    return headers;
  }
}
