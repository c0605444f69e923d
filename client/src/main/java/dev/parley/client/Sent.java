package dev.parley.client;

import io.vertx.core.json.JsonObject;

/**
 * A send as its connection lived it: acknowledged, so the message is durable and will reach every
 * member (docs/api.md, Delivery guarantees), however many attempts it took under its one
 * {@code client_msg_id}.
 *
 * @param message the stored message, as the ack carried it
 * @param startedNanos when the first attempt was asked for ({@link System#nanoTime()})
 * @param ackedNanos when the ack arrived
 * @param attempts frames written for it (1 when nothing went wrong)
 * @param errorAnswers attempts answered with a retryable {@code error} (then sent again)
 * @param unanswered attempts that got no answer: silence, or their connection ended (then sent again)
 */
public record Sent(
    String conversationId,
    String clientMsgId,
    long seq,
    JsonObject message,
    long startedNanos,
    long ackedNanos,
    int attempts,
    int errorAnswers,
    int unanswered) {

  public long latencyNanos() {
    return ackedNanos - startedNanos;
  }
}
