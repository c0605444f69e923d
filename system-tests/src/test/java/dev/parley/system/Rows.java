package dev.parley.system;

import dev.parley.testing.Await;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What Postgres holds for a conversation, read directly to check the worker's work. */
final class Rows {
  record Stored(String id, long seq, Long prevSeq, String content) {}

  private Rows() {}

  static List<Stored> messages(Pool pool, String conversationId) {
    var rows =
        Cluster.await(
            pool.preparedQuery(
                    "SELECT id, seq, prev_seq, content FROM messages WHERE conversation_id = $1 ORDER BY seq")
                .execute(Tuple.of(conversationId)));
    List<Stored> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new Stored(r.getString(0), r.getLong(1), r.getLong(2), r.getString(3)));
    }
    return out;
  }

  static long count(Pool pool, String conversationId) {
    return Cluster.await(
            pool.preparedQuery("SELECT count(*) FROM messages WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId)))
        .iterator()
        .next()
        .getLong(0);
  }

  /** Waits until Postgres holds {@code expected} messages of the conversation. */
  static List<Stored> awaitCount(
      Pool pool, String conversationId, long expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Await.until(
        () -> count(pool, conversationId) >= expected ? Boolean.TRUE : null,
        deadline,
        () -> "Postgres holds " + count(pool, conversationId) + " of " + expected + " messages");
    return messages(pool, conversationId);
  }

  /** Every row's prev_seq is the seq of the row before it; the first has none. */
  static void assertGaplessChain(List<Stored> ordered) {
    Long prev = null;
    for (Stored s : ordered) {
      if (!Objects.equals(s.prevSeq(), prev)) {
        throw new AssertionError(
            "prev_seq of seq " + s.seq() + " is " + s.prevSeq() + ", expected " + prev);
      }
      prev = s.seq();
    }
  }
}
