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
 * names the user, and expiring anyway as a backstop. A connecting user's list, read fresh for the
 * connection, is kept too: the presence change that connection causes arrives moments later and
 * needs the same list, so a connect costs this node one query, not two.
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
    return read(userId);
  }

  /** Always from Postgres (a new connection must see every conversation); keeps the answer. */
  public Future<List<String>> read(String userId) {
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
