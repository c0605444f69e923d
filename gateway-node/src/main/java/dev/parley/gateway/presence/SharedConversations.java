package dev.parley.gateway.presence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.contract.wire.MembershipChange;
import dev.parley.gateway.conversations.ConversationStore;
import dev.parley.gateway.conversations.UserMemberships;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * The conversations a user's presence changes are delivered through: the user's live
 * conversations with at most {@code maxMembers} members. A larger group carries none (its members
 * ask {@code GET /api/v1/users/online?user_ids=} for the people they show): otherwise n members
 * coming online would cost n² frames, and a 10,000-member group's morning would be 50 million.
 *
 * <p>Briefly cached (a user who reconnects or changes status several times costs one query),
 * dropped when a membership change names the user, and expiring anyway as a backstop. A
 * connecting user's lists, read fresh for the connection, are kept too: the presence change that
 * connection causes arrives moments later and needs them, so a connect costs this node one query,
 * not two.
 */
public final class SharedConversations {
  static final Duration TTL = Duration.ofSeconds(10);

  private final ConversationStore conversations;
  private final int maxMembers;
  private final Cache<String, List<String>> byUser =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(TTL).build();

  public SharedConversations(ConversationStore conversations, int maxMembers) {
    this.conversations = conversations;
    this.maxMembers = maxMembers;
  }

  Future<List<String>> of(String userId) {
    List<String> cached = byUser.getIfPresent(userId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return conversations.membershipsOf(userId, maxMembers).map(m -> keep(userId, m));
  }

  /**
   * Every live conversation of the user, always from Postgres (a new connection must see every
   * one); keeps those that carry presence.
   */
  public Future<List<String>> read(String userId) {
    return conversations
        .membershipsOf(userId, maxMembers)
        .map(
            m -> {
              keep(userId, m);
              return m.all();
            });
  }

  private List<String> keep(String userId, UserMemberships m) {
    byUser.put(userId, m.small());
    return m.small();
  }

  /** A user who joined or left a conversation shares different conversations from now on. */
  public void forget(MembershipChange change) {
    change.added().forEach(byUser::invalidate);
    change.removed().forEach(byUser::invalidate);
  }
}
