package dev.parley.client;

import dev.parley.client.Event.MessageNew;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversations a connection follows, and how far it has delivered each: the bookkeeping of
 * docs/api.md "Resuming after a reconnect". After a connection opens, each conversation is read
 * from history after the highest seq delivered before it (what the client had when the old
 * connection ended); live messages arriving meanwhile are held and merged by seq once the read is
 * done, so the listener sees every message once, in order, without a hole. A live message whose
 * {@code prev_seq} is past what was delivered is a gap: it is held and the conversation read again.
 *
 * <p>Pure bookkeeping (no I/O), owned by one connection on its event loop.
 */
final class Followed {
  private static final class State {
    long highest;

    /** Live messages held while the conversation is being read; null when it is not. */
    List<MessageNew> held;

    State(long highest) {
      this.highest = highest;
    }
  }

  /** What to do with a live message. */
  enum Live {
    DELIVER,
    DUPLICATE,
    HELD,
    /** Held, and the conversation must be read from history: call {@link #beginRead}. */
    GAP
  }

  private final Map<String, State> byConversation = new HashMap<>();

  void follow(String conversationId, long afterSeq) {
    byConversation.putIfAbsent(conversationId, new State(afterSeq));
  }

  boolean follows(String conversationId) {
    return byConversation.containsKey(conversationId);
  }

  Iterable<String> conversations() {
    return byConversation.keySet();
  }

  boolean isEmpty() {
    return byConversation.isEmpty();
  }

  /** The highest seq delivered in the conversation (the follow's start before any), -1 if not followed. */
  long highest(String conversationId) {
    State s = byConversation.get(conversationId);
    return s == null ? -1 : s.highest;
  }

  Live onLive(MessageNew m) {
    State s = byConversation.get(m.conversationId());
    if (s == null) {
      return Live.DELIVER;
    }
    if (s.held != null) {
      s.held.add(m);
      return Live.HELD;
    }
    if (m.seq() <= s.highest) {
      return Live.DUPLICATE;
    }
    if (m.prevSeq() != null && m.prevSeq() > s.highest) {
      s.held = new ArrayList<>();
      s.held.add(m);
      return Live.GAP;
    }
    s.highest = m.seq();
    return Live.DELIVER;
  }

  /**
   * Starts holding live messages of the conversation; returns the seq to read history after. A
   * read already under way keeps its holdings (and its seq).
   */
  long beginRead(String conversationId) {
    State s = byConversation.get(conversationId);
    if (s.held == null) {
      s.held = new ArrayList<>();
    }
    return s.highest;
  }

  /** A page of history (oldest first): the messages to deliver, those past what was delivered. */
  List<MessageNew> onHistory(String conversationId, List<MessageNew> page) {
    State s = byConversation.get(conversationId);
    List<MessageNew> out = new ArrayList<>(page.size());
    for (MessageNew m : page) {
      if (m.seq() > s.highest) {
        s.highest = m.seq();
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The read is complete: the held live messages to deliver now, in seq order, none delivered
   * twice. Holding stops.
   */
  List<MessageNew> endRead(String conversationId) {
    State s = byConversation.get(conversationId);
    List<MessageNew> held = s.held == null ? List.of() : s.held;
    s.held = null;
    List<MessageNew> out = new ArrayList<>(held.size());
    held.stream()
        .sorted((a, b) -> Long.compare(a.seq(), b.seq()))
        .forEach(
            m -> {
              if (m.seq() > s.highest) {
                s.highest = m.seq();
                out.add(m);
              }
            });
    return out;
  }

  /** A read failed (the connection is going away, or history answered an error): keep holding. */
  boolean reading(String conversationId) {
    State s = byConversation.get(conversationId);
    return s != null && s.held != null;
  }
}
