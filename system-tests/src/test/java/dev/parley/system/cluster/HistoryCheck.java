package dev.parley.system.cluster;

import dev.parley.system.cluster.PacedSenders.Acked;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What history (REST, through HAProxy) and the members' connections hold, against what the
 * senders saw acknowledged: every acked message exactly once, under the seq its ack gave, each
 * sender's messages in the order sent, and every member having seen each one once.
 */
final class HistoryCheck {
  int lost;
  int storedTwice;
  int outOfOrder;
  int clientGaps;
  final List<String> examples = new ArrayList<>();

  /**
   * @param history each conversation's messages, oldest first, as {@code GET …/messages} pages
   *     gave them
   * @param seen what each member's connection delivered: user → conversation → seqs, in order
   * @param members conversation → its members' user ids
   */
  static HistoryCheck of(
      List<Acked> acked,
      Map<String, List<JsonObject>> history,
      Map<String, List<Long>> seen,
      Map<String, List<String>> members) {
    HistoryCheck c = new HistoryCheck();
    Map<String, List<JsonObject>> stored = new HashMap<>();
    history.forEach(
        (conversation, items) -> {
          long last = 0;
          for (JsonObject m : items) {
            long seq = m.getLong("seq");
            if (seq <= last) {
              c.outOfOrder++;
              c.example("history of " + conversation + " goes from seq " + last + " to " + seq);
            }
            last = seq;
            String id = m.getString("client_msg_id");
            if (id != null) {
              stored.computeIfAbsent(conversation + "/" + id, k -> new ArrayList<>()).add(m);
            }
          }
        });
    for (List<JsonObject> copies : stored.values()) {
      if (copies.size() > 1) {
        c.storedTwice += copies.size() - 1;
        c.example(
            "stored " + copies.size() + " times: " + copies.get(0).getString("client_msg_id"));
      }
    }
    for (Acked a : acked) {
      List<JsonObject> copies = stored.get(a.conversationId() + "/" + a.clientMsgId());
      if (copies == null) {
        c.lost++;
        c.example("acked as seq " + a.sent().seq() + " but not in history: " + a.clientMsgId());
      } else if (copies.get(0).getLong("seq") != a.sent().seq()) {
        c.storedTwice++;
        c.example(
            a.clientMsgId()
                + " acked as seq "
                + a.sent().seq()
                + ", stored as "
                + copies.get(0).getLong("seq"));
      }
    }
    c.checkSendOrder(acked);
    c.checkMembers(acked, seen, members);
    return c;
  }

  /** A sender sends the next only after the last's ack: its seqs must rise with its index. */
  private void checkSendOrder(List<Acked> acked) {
    Map<String, List<Acked>> bySender =
        acked.stream().collect(Collectors.groupingBy(Acked::sender));
    for (List<Acked> mine : bySender.values()) {
      mine.sort(Comparator.comparingInt(Acked::index));
      for (int i = 1; i < mine.size(); i++) {
        if (mine.get(i).sent().seq() <= mine.get(i - 1).sent().seq()) {
          outOfOrder++;
          example(
              mine.get(i).clientMsgId()
                  + " got seq "
                  + mine.get(i).sent().seq()
                  + " after "
                  + mine.get(i - 1).sent().seq());
        }
      }
    }
  }

  /** Every member saw every acked seq of its conversation, once, in rising order. */
  private void checkMembers(
      List<Acked> acked, Map<String, List<Long>> seen, Map<String, List<String>> members) {
    Map<String, Set<Long>> ackedSeqs =
        acked.stream()
            .collect(
                Collectors.groupingBy(
                    Acked::conversationId,
                    Collectors.mapping(a -> a.sent().seq(), Collectors.toSet())));
    members.forEach(
        (conversation, users) -> {
          for (String user : users) {
            List<Long> got = seen.getOrDefault(user + "/" + conversation, List.of());
            boolean rising = true;
            for (int i = 1; i < got.size(); i++) {
              rising &= got.get(i) > got.get(i - 1);
            }
            if (!rising || !got.containsAll(ackedSeqs.getOrDefault(conversation, Set.of()))) {
              clientGaps++;
              example(user + " missed, repeated or reordered messages of " + conversation);
            }
          }
        });
  }

  /** True when every acked seq of each conversation is among what each member saw. */
  static boolean everyMemberSawEverything(
      Collection<Acked> acked, Map<String, List<Long>> seen, Map<String, List<String>> members) {
    for (Acked a : acked) {
      for (String user : members.get(a.conversationId())) {
        if (!seen.getOrDefault(user + "/" + a.conversationId(), List.of())
            .contains(a.sent().seq())) {
          return false;
        }
      }
    }
    return true;
  }

  private void example(String what) {
    if (examples.size() < 10) {
      examples.add(what);
    }
  }
}
