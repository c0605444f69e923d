package dev.parley.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One user's connection: who it is, where it starts, what it follows and who hears its events.
 * Built fluently, then given to {@link ParleyClient#connect}.
 */
public final class ConnectionOptions {
  final String userId;
  final Supplier<String> token;
  int firstGateway;
  boolean ticket;
  final Map<String, Long> follow = new LinkedHashMap<>();
  Consumer<Event> onEvent = e -> {};
  Consumer<Connection.Ended> onEnded = e -> {};

  /** {@code token} is asked for before each handshake, so it may hand out a fresh one. */
  public ConnectionOptions(String userId, Supplier<String> token) {
    this.userId = userId;
    this.token = token;
  }

  public static ConnectionOptions of(String userId, String token) {
    return new ConnectionOptions(userId, () -> token);
  }

  /** The gateway (index in the client's list) of the first handshake; later ones go round. */
  public ConnectionOptions firstGateway(int index) {
    this.firstGateway = index;
    return this;
  }

  /**
   * Open {@code /ws?ticket=…} with a ticket from {@code POST /api/v1/ws-tickets} instead of the
   * {@code Authorization} header: what a browser must do. The token never goes in a URL either way.
   */
  public ConnectionOptions useTicket(boolean ticket) {
    this.ticket = ticket;
    return this;
  }

  /**
   * Keeps the conversation gap-free: after every (re)connect, and whenever a {@code prev_seq}
   * shows a hole, what was missed is read from history and merged by seq, so the listener gets each
   * message once, in order. {@code afterSeq}: the last seq already had (0: from the start). Costs a
   * history read per followed conversation on each connect.
   */
  public ConnectionOptions follow(String conversationId, long afterSeq) {
    follow.put(conversationId, afterSeq);
    return this;
  }

  /** Every frame the server sends, typed; called on the connection's event loop. */
  public ConnectionOptions onEvent(Consumer<Event> listener) {
    this.onEvent = listener;
    return this;
  }

  /** Each end of a connection, before the client reconnects (or does not: see {@link Connection.Ended}). */
  public ConnectionOptions onEnded(Consumer<Connection.Ended> listener) {
    this.onEnded = listener;
    return this;
  }
}
