package dev.parley.gateway.presence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.contract.wire.MembershipChange;
import dev.parley.gateway.conversations.ConversationStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * A user's conversation ids, for delivering their presence changes: briefly cached (a user who
 * reconnects or changes status several times costs one query), dropped when a membership change
 * names the user, and expiring anyway as a backstop.
 */
public final class SharedConversations {
  static final Duration TTL = Duration.ofSeconds(10);

  private final ConversationStore conversations;
  private final Cache<String, List<String>> byUser =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(TTL).build();

  public SharedConversations(ConversationStore conversations) {
    this.conversations = conversations;
  }

  Future<List<String>> of(String userId) {
    List<String> cached = byUser.getIfPresent(userId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return conversations
        .conversationIdsOf(userId)
        .map(
            ids -> {
              List<String> frozen = List.copyOf(ids);
              byUser.put(userId, frozen);
              return frozen;
            });
  }

  /** A user who joined or left a conversation shares different conversations from now on. */
  public void forget(MembershipChange change) {
    change.added().forEach(byUser::invalidate);
    change.removed().forEach(byUser::invalidate);
  }
}
