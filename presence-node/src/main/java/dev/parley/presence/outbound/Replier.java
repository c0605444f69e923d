package dev.parley.presence.outbound;

import dev.parley.contract.presence.PresenceRpc;
import dev.parley.contract.wire.ErrorCode;
import dev.parley.presence.redis.RedisLink;
import io.nats.client.Connection;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers a gateway's request (core NATS request-reply); a request without a reply subject gets none. */
public final class Replier {
  private static final Logger log = LoggerFactory.getLogger(Replier.class);

  private final Connection nats;

  public Replier(Connection nats) {
    this.nats = nats;
  }

  public void reply(Message request, byte[] body) {
    String to = request.getReplyTo();
    if (to == null || to.isEmpty()) {
      return;
    }
    try {
      nats.publish(to, body);
    } catch (RuntimeException e) {
      log.warn("reply to {} not sent: {}", request.getSubject(), e.toString());
    }
  }

  /** Replies with the failure that matches {@code e}: Redis down is {@code unavailable}, a bug {@code internal}. */
  public void fail(Message request, String what, Throwable e) {
    if (RedisLink.isRedisFailure(e)) {
      reply(
          request,
          new PresenceRpc.Failure(
                  ErrorCode.UNAVAILABLE,
                  "presence is unavailable: its store cannot be reached",
                  null)
              .toBytes());
    } else {
      log.error("{} failed", what, e);
      reply(request, new PresenceRpc.Failure(ErrorCode.INTERNAL, "internal error", null).toBytes());
    }
  }

  public void invalid(Message request, String message) {
    reply(request, new PresenceRpc.Failure(ErrorCode.INVALID_ARGUMENT, message, null).toBytes());
  }
}
