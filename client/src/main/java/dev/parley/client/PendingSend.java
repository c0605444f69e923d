package dev.parley.client;

import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;

/**
 * A send not acknowledged yet. Each attempt is a frame whose id is the {@code client_msg_id} and
 * the attempt's number, so an answer names both; every attempt carries the same {@code
 * client_msg_id}, so a retry can never make a second message. Touched on its connection's event
 * loop only.
 */
final class PendingSend {
  final String conversationId;
  final String clientMsgId;
  final String content;
  final long startedNanos = System.nanoTime();
  final Promise<Sent> outcome = Promise.promise();
  int attempts;
  int errorAnswers;
  int unanswered;

  /** The frame id of the attempt in flight, or null when none is. */
  String inFlight;

  /** The connection that attempt went out on. */
  WebSocket socket;

  long attemptTimer = -1;
  long deadlineTimer = -1;

  PendingSend(String conversationId, String clientMsgId, String content) {
    this.conversationId = conversationId;
    this.clientMsgId = clientMsgId;
    this.content = content;
  }

  String nextFrameId() {
    attempts++;
    inFlight = clientMsgId + "#" + attempts;
    return inFlight;
  }

  /** The client_msg_id an answer's frame id names, or null when it names none of ours. */
  static String clientMsgIdOf(String frameId) {
    int hash = frameId == null ? -1 : frameId.lastIndexOf('#');
    return hash < 0 ? null : frameId.substring(0, hash);
  }
}
