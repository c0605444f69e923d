package dev.parley.gateway.typing;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.EventType;
import dev.parley.gateway.fanout.FanoutHub;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers typing indicators from every gateway (one wildcard subscription to
 * {@code <prefix>.conv.*.typing}) to this node's connections holding the conversation, except the
 * typer's own: the hub knows who holds what. Each indicator is decoded and encoded once.
 */
public final class TypingRelay {
  private static final Logger log = LoggerFactory.getLogger(TypingRelay.class);

  private final Connection nats;
  private final Subjects subjects;
  private final FanoutHub hub;
  private Dispatcher dispatcher;

  public TypingRelay(Connection nats, Subjects subjects, FanoutHub hub) {
    this.nats = nats;
    this.subjects = subjects;
    this.hub = hub;
  }

  /** Subscribes; the SUB is on its way to NATS when this returns. */
  public void start() {
    dispatcher = nats.createDispatcher(this::onMessage);
    dispatcher.subscribe(subjects.typingWildcard());
  }

  private void onMessage(Message msg) {
    String conversationId = subjects.conversationOf(msg.getSubject());
    JsonObject data;
    try {
      JsonObject frame = new JsonObject(new String(msg.getData(), StandardCharsets.UTF_8));
      data = frame.getJsonObject("data");
      if (!EventType.TYPING_INDICATOR.equals(frame.getString("type"))
          || data == null
          || !(data.getValue("user_id") instanceof String)
          || !conversationId.equals(data.getValue("conversation_id"))) {
        throw new IllegalArgumentException("not a typing.indicator of this conversation");
      }
    } catch (RuntimeException e) {
      log.warn(
          "dropping an unreadable typing indicator on {}: {}", msg.getSubject(), e.getMessage());
      return;
    }
    String userId = data.getString("user_id");
    String frame =
        TypingTracker.indicator(
                conversationId, userId, Boolean.TRUE.equals(data.getValue("typing")))
            .encode();
    hub.deliverEphemeral(conversationId, frame, userId);
  }

  public void close() {
    Dispatcher d = dispatcher;
    if (d != null) {
      nats.closeDispatcher(d);
    }
  }
}
