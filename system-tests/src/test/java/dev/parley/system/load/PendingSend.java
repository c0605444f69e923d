package dev.parley.system.load;

import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;

/**
 * A send its client has not seen acknowledged yet. Each attempt is a frame whose id is the
 * {@code client_msg_id} and the attempt's number, so an answer names both; every attempt carries
 * the same {@code client_msg_id}, so a retry can never make a second message. Touched on its
 * client's event loop only.
 */
final class PendingSend {
  final String conversationId;
  final String clientMsgId;
  final String content;
  final long startedNanos = System.nanoTime();
  final Promise<SendOutcome> outcome = Promise.promise();
  int attempts;
  int errorAnswers;
  int unansweredAtClose;

  /** The frame id of the attempt in flight, or null when none is. */
  String inFlight;

  /** The connection that attempt went out on. */
  WebSocket socket;

  long timer = -1;

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

  static String clientMsgIdOf(String frameId) {
    int hash = frameId == null ? -1 : frameId.lastIndexOf('#');
    return hash < 0 ? null : frameId.substring(0, hash);
  }
}
