package dev.parley.system.load;

/**
 * One send as its client lived it: from the first attempt to the ack, however many attempts it
 * took under its one {@code client_msg_id}.
 *
 * @param startedNanos      when the first attempt was made ({@link System#nanoTime()})
 * @param ackedNanos        when the ack arrived
 * @param attempts          frames written for it (1 when nothing went wrong)
 * @param errorAnswers      attempts answered with an {@code error} frame (then retried)
 * @param unansweredAtClose attempts left without an answer when their connection closed (then retried)
 */
public record SendOutcome(
    String conversationId,
    String clientMsgId,
    long seq,
    long startedNanos,
    long ackedNanos,
    int attempts,
    int errorAnswers,
    int unansweredAtClose) {

  public long latencyNanos() {
    return ackedNanos - startedNanos;
  }
}
