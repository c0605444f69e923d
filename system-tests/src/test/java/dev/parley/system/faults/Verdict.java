package dev.parley.system.faults;

import dev.parley.system.Cluster;
import dev.parley.system.load.LoadClient;
import dev.parley.system.load.SendOutcome;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * What a row's traffic came to, read from where it ended up: Postgres (after the worker has caught
 * up) and every member client's {@code SeenLog}.
 *
 * <ul>
 *   <li>lost: an acknowledged seq that Postgres does not hold, or that no member client saw;
 *   <li>stored twice: rows beyond the first for one (conversation, sender, client_msg_id) or for one
 *       client message (its content names its client_msg_id), and client_msg_ids acknowledged
 *       with two different seqs;
 *   <li>client gaps: member clients that miss an acknowledged seq of their conversation, or saw a
 *       message whose prev_seq they never saw.
 * </ul>
 */
record Verdict(int acked, int lost, int storedTwice, int clientGaps, List<String> details) {

  /** Waits (bounded) for the worker and for live delivery, then counts. */
  static Verdict of(Pool pool, Map<String, List<LoadClient>> members, List<SendOutcome> outcomes) {
    Map<String, Set<Long>> acked = new HashMap<>();
    Map<String, Set<Long>> seqsByClientMsg = new HashMap<>();
    for (SendOutcome o : outcomes) {
      acked.computeIfAbsent(o.conversationId(), c -> new HashSet<>()).add(o.seq());
      seqsByClientMsg
          .computeIfAbsent(o.conversationId() + "/" + o.clientMsgId(), k -> new HashSet<>())
          .add(o.seq());
    }
    List<String> details = new ArrayList<>();
    List<String> conversations = new ArrayList<>(members.keySet());

    // the worker may still be catching up (after an outage, a restart): 90 s, then what is missing
    // is lost
    List<Row> rows = rows(pool, conversations);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!missingFromRows(rows, acked).isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
      rows = rows(pool, conversations);
    }
    Set<String> lost = new HashSet<>(missingFromRows(rows, acked));

    long deliveryDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deliveryDeadline && !clientsWithGaps(members, acked).isEmpty()) {
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
    List<String> gaps = clientsWithGaps(members, acked);
    for (Map.Entry<String, Set<Long>> e : acked.entrySet()) {
      for (long seq : e.getValue()) {
        boolean someoneSaw =
            members.get(e.getKey()).stream().anyMatch(c -> c.seen().seqs(e.getKey()).contains(seq));
        if (!someoneSaw) {
          lost.add(e.getKey() + "#" + seq);
        }
      }
    }

    Set<String> keys = new HashSet<>();
    Set<String> contents = new HashSet<>();
    for (Row r : rows) {
      keys.add(
          r.getString("conversation_id")
              + "/"
              + r.getString("sender_id")
              + "/"
              + r.getString("client_msg_id"));
      contents.add(r.getString("conversation_id") + "/" + r.getString("content"));
    }
    int twice = rows.size() - Math.min(keys.size(), contents.size());
    for (Map.Entry<String, Set<Long>> e : seqsByClientMsg.entrySet()) {
      if (e.getValue().size() > 1) {
        twice += e.getValue().size() - 1;
        details.add(e.getKey() + " acknowledged as seqs " + e.getValue());
      }
    }
    if (!lost.isEmpty()) {
      details.add("lost: " + lost);
    }
    if (!gaps.isEmpty()) {
      details.add("gaps: " + gaps.subList(0, Math.min(10, gaps.size())));
    }
    return new Verdict(outcomes.size(), lost.size(), twice, gaps.size(), details);
  }

  private static List<Row> rows(Pool pool, List<String> conversations) {
    List<Row> out = new ArrayList<>();
    Cluster.await(
            pool.preparedQuery(
                    "SELECT conversation_id, seq, sender_id, client_msg_id, content FROM messages"
                        + " WHERE conversation_id = ANY($1)")
                .execute(Tuple.of(conversations.toArray(new String[0]))))
        .forEach(out::add);
    return out;
  }

  private static List<String> missingFromRows(List<Row> rows, Map<String, Set<Long>> acked) {
    Map<String, Set<Long>> stored = new HashMap<>();
    for (Row r : rows) {
      stored
          .computeIfAbsent(r.getString("conversation_id"), c -> new HashSet<>())
          .add(r.getLong("seq"));
    }
    List<String> missing = new ArrayList<>();
    acked.forEach(
        (c, seqs) ->
            seqs.stream()
                .filter(s -> !stored.getOrDefault(c, Set.of()).contains(s))
                .forEach(s -> missing.add(c + "#" + s)));
    return missing;
  }

  private static List<String> clientsWithGaps(
      Map<String, List<LoadClient>> members, Map<String, Set<Long>> acked) {
    List<String> gaps = new ArrayList<>();
    members.forEach(
        (c, clients) -> {
          Set<Long> seqs = acked.getOrDefault(c, Set.of());
          for (LoadClient client : clients) {
            int missing = client.seen().missing(c, seqs);
            int holes = client.seen().holes(c);
            if (missing > 0 || holes > 0) {
              gaps.add(client.userId() + " (" + missing + " missed, " + holes + " holes)");
            }
          }
        });
    return gaps;
  }
}
