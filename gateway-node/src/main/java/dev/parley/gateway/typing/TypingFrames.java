package dev.parley.gateway.typing;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.conversations.MembershipCache;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.RateLimiter;
import dev.parley.gateway.realtime.ClientConnection;
import dev.parley.gateway.realtime.FrameHandler;
import dev.parley.gateway.realtime.InOrder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.BiFunction;

/**
 * WS {@code typing.start} / {@code typing.stop} {@code {conversation_id}}: members only (anyone
 * else gets 404, as for a conversation that does not exist). The ack's data is {@code {}}; an ack
 * does not mean the frame was forwarded (renewals are forwarded at most every renew interval).
 *
 * <p>A connection's typing frames are applied in the order they arrived ({@link InOrder}): the
 * membership check may go to Postgres, and without the wait a fast start-stop could end as "typing".
 * Both frames count against the user's typing rate limit ({@code rate_limited} past it).
 */
public final class TypingFrames {
  private final MembershipCache membership;
  private final TypingTracker tracker;
  private final RateLimiter limiter;
  private final InOrder inOrder = new InOrder();

  public TypingFrames(MembershipCache membership, TypingTracker tracker, RateLimiter limiter) {
    this.membership = membership;
    this.tracker = tracker;
    this.limiter = limiter;
  }

  public FrameHandler start() {
    return handler(
        (connection, conversationId) ->
            tracker.start(connection.userId(), connection.id(), conversationId));
  }

  public FrameHandler stop() {
    return handler(
        (connection, conversationId) -> tracker.stop(connection.userId(), conversationId));
  }

  private FrameHandler handler(BiFunction<ClientConnection, String, Future<Void>> apply) {
    return (connection, data) -> {
      String conversationId = conversationId(data);
      return inOrder.run(
          connection.id(),
          () ->
              limiter
                  .acquire(LimitedAction.TYPING, connection.userId())
                  .compose(go -> membership.requireMember(conversationId, connection.userId()))
                  .compose(members -> apply.apply(connection, conversationId))
                  .map(v -> new JsonObject()));
    };
  }

  private static String conversationId(JsonObject data) {
    Object raw = data.getValue("conversation_id");
    if (!(raw instanceof String conversationId) || conversationId.isEmpty()) {
      throw ApiException.invalid("conversation_id is required");
    }
    if (!Ids.isGeneratedId(conversationId)) {
      throw ApiException.notFound("conversation not found");
    }
    return conversationId;
  }
}
