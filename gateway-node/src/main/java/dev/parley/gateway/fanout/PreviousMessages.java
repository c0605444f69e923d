package dev.parley.gateway.fanout;

import io.vertx.core.Future;

/**
 * Where a read-back message's {@code prev_seq} comes from when this node did not see its
 * republished copy (which carries it): the history, which knows every message of a conversation.
 */
@FunctionalInterface
public interface PreviousMessages {
  /** The seq of the conversation's message before {@code seq}; null when it is the first. */
  Future<Long> before(String conversationId, long seq);
}
