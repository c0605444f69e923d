package dev.parley.gateway.presence;

import dev.parley.contract.presence.PresenceStatus;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.realtime.ClientConnection;
import dev.parley.gateway.realtime.FrameHandler;
import dev.parley.gateway.realtime.InOrder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * WS {@code presence.update} {@code {status: online|away|busy}}: the presence node records it
 * (it survives a reconnect within the grace period) and announces a change before answering. The
 * ack's data is the caller's state {@code {user_id, status, last_seen_at}}. Changing status again
 * sooner than the presence node's minimum interval answers {@code rate_limited}. A connection's
 * updates reach the presence nodes one at a time, in the order they arrived ({@link InOrder}).
 */
public final class PresenceFrames implements FrameHandler {
  private final PresenceClient presence;
  private final InOrder inOrder = new InOrder();

  public PresenceFrames(PresenceClient presence) {
    this.presence = presence;
  }

  @Override
  public Future<?> handle(ClientConnection connection, JsonObject data) {
    PresenceStatus status;
    try {
      status = PresenceStatus.settableFromWire(data.getValue("status"));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
    return inOrder.run(
        connection.id(),
        () ->
            presence.setStatus(connection.userId(), status).map(result -> result.state().toJson()));
  }
}
