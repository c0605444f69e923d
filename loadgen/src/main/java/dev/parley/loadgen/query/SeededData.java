package dev.parley.loadgen.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The seeded conversations (with their head) and who is a member of which, as read back. */
record SeededData(List<Conversation> conversations, Map<String, List<String>> conversationsByUser) {

  record Conversation(String id, long lastSeq, String createdBy) {}

  Map<String, Conversation> byId() {
    Map<String, Conversation> out = new HashMap<>();
    conversations.forEach(c -> out.put(c.id(), c));
    return out;
  }

  List<String> users() {
    return new ArrayList<>(conversationsByUser.keySet());
  }

  /**
   * {@code count} conversations spread over the id range, each with a different creator (who sends
   * into it): so every writer is one user sending at {@code rate / count}.
   */
  List<Conversation> writerConversations(int count) {
    List<Conversation> out = new ArrayList<>();
    Set<String> writers = new HashSet<>();
    int step = Math.max(1, conversations.size() / count);
    for (int start = 0; start < step && out.size() < count; start++) {
      for (int i = start; i < conversations.size() && out.size() < count; i += step) {
        Conversation c = conversations.get(i);
        if (writers.add(c.createdBy())) {
          out.add(c);
        }
      }
    }
    return out;
  }
}
