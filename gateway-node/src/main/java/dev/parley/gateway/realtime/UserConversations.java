package dev.parley.gateway.realtime;

import io.vertx.core.Future;
import java.util.List;

/** The conversations a connecting user is in, whose entries the new connection receives. */
@FunctionalInterface
public interface UserConversations {
  Future<List<String>> conversationIdsOf(String userId);
}
