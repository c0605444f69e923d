package dev.parley.gateway.realtime;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frames of one connection that are being handled and not yet answered. A client that sends
 * faster than it is answered is not buffered without bound: at {@code max} frames in flight its
 * socket stops being read (TCP pushes back on the client) until answers bring the count back
 * below. State lives on the socket's context; the counts are readable from anywhere for metrics.
 */
final class InFlightFrames {
  private final ServerWebSocket ws;
  private final Context context;
  private final int max;

  /** Every connection's frames in flight on this node (the gauge), shared by the endpoint. */
  private final AtomicInteger nodeTotal;

  private final AtomicLong pauses;
  private volatile int count;
  private boolean paused;

  /** Set by {@link #stopTaking}: completes when no frame taken is left unanswered. */
  private Promise<Void> drained;

  InFlightFrames(
      ServerWebSocket ws, Context context, int max, AtomicInteger nodeTotal, AtomicLong pauses) {
    this.ws = ws;
    this.context = context;
    this.max = max;
    this.nodeTotal = nodeTotal;
    this.pauses = pauses;
  }

  /**
   * A frame is about to be handled (on the socket's context); false once the connection is
   * draining: the frame is not to be handled.
   */
  boolean start() {
    if (drained != null) {
      return false;
    }
    count++;
    nodeTotal.incrementAndGet();
    if (count >= max && !paused) {
      paused = true;
      pauses.incrementAndGet();
      ws.pause();
    }
    return true;
  }

  /** A frame has been answered (its answer handed to the socket), from any thread. */
  void finished() {
    context.runOnContext(
        v -> {
          count--;
          nodeTotal.decrementAndGet();
          if (drained != null) {
            if (count == 0) {
              drained.tryComplete();
            }
          } else if (paused && count < max) {
            paused = false;
            ws.resume();
          }
        });
  }

  /** Whether frames of this connection are being handled (then it is not idle: we are the slow side). */
  boolean busy() {
    return count > 0;
  }

  /**
   * Stops taking frames for good (drain, at this connection's turn): the socket is no longer read,
   * so whatever the client sends from now on stays unread and unanswered, and the client sends it
   * again on another node after the close; nothing is refused with an error a retrying client
   * would count as a failure. The future completes once every frame already taken has been
   * answered. Close with {@link #readThenClose}.
   */
  Future<Void> stopTaking() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          if (drained == null) {
            drained = Promise.promise();
            if (!paused) {
              paused = true;
              ws.pause();
            }
            if (count == 0) {
              drained.complete();
            }
          }
          drained.future().onComplete(done);
        });
    return done.future();
  }

  /**
   * Reads the socket again and runs {@code close} right after, on the socket's context, so the
   * client's answer to the close frame is seen and the connection ends at once. A frame that still
   * arrives is not handled.
   */
  void readThenClose(Runnable close) {
    context.runOnContext(
        v -> {
          if (paused) {
            paused = false;
            ws.resume();
          }
          close.run();
        });
  }
}
