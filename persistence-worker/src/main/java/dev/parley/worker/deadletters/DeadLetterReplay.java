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

/**
 * Sends a dead letter back into the stream, once its cause is fixed: the same subject, headers and
 * bytes, as a new entry the worker then stores like any other. The row is claimed first, so two
 * replays of one dead letter cannot both publish; a failed publish releases it again.
 */
public final class DeadLetterReplay {
  /** Names the dead letter a replayed entry came from. */
  public static final String REPLAY_OF_HEADER = "Parley-Replay-Of";

  /**
   * Left out on replay: within the duplicate window the stream would drop the entry as a resend of
   * the original; the worker's keys (message id, client_msg_id) still keep it from being stored twice.
   */
  static final String MSG_ID_HEADER = "Nats-Msg-Id";

  static final String CLAIM =
      """
      UPDATE dead_letters SET replayed_at = now()
      WHERE stream_seq = $1 AND replayed_at IS NULL
      RETURNING subject, headers, payload""";
  static final String RECORD = "UPDATE dead_letters SET replayed_as_seq = $2 WHERE stream_seq = $1";
  static final String RELEASE =
      "UPDATE dead_letters SET replayed_at = NULL WHERE stream_seq = $1 AND replayed_as_seq IS NULL";

  private final Pool pool;
  private final JetStream stream;

  public DeadLetterReplay(Pool pool, JetStream stream) {
    this.pool = pool;
    this.stream = stream;
  }

  /** Republishes dead letter {@code streamSeq}; the stream sequence of the new entry. */
  public Future<Long> replay(long streamSeq) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(streamSeq))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(
                    new IllegalArgumentException(
                        "no dead letter with stream_seq "
                            + streamSeq
                            + " waiting for replay (unknown, or replayed already)"));
              }
              Row row = rows.iterator().next();
              return publish(streamSeq, row)
                  .compose(
                      seq -> pool.preparedQuery(RECORD).execute(Tuple.of(streamSeq, seq)).map(seq))
                  .recover(
                      e ->
                          pool.preparedQuery(RELEASE)
                              .execute(Tuple.of(streamSeq))
                              .transform(released -> Future.failedFuture(e)));
            });
  }

  private Future<Long> publish(long streamSeq, Row row) {
    Headers headers = headers(row.getString("headers"));
    headers.put(REPLAY_OF_HEADER, Long.toString(streamSeq));
    return Future.fromCompletionStage(
            stream.publishAsync(
                row.getString("subject"), headers, row.getBuffer("payload").getBytes()))
        .map(PublishAck::getSeqno);
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
