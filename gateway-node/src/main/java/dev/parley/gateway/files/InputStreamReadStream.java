package dev.parley.gateway.files;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A blocking {@link InputStream} (an S3 object's body) as a Vert.x {@link ReadStream}: each chunk is
 * read on a worker, then handed to the handler on the reader's context, and only while there is
 * demand, so a slow client slows the reads instead of filling memory. Touched on that context only.
 */
final class InputStreamReadStream implements ReadStream<Buffer> {
  private static final int CHUNK = 64 * 1024;

  private final InputStream in;
  private final WorkerExecutor workers;
  private final Context context;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean reading;
  private boolean ended;

  InputStreamReadStream(InputStream in, WorkerExecutor workers, Context context) {
    this.in = in;
    this.workers = workers;
    this.context = context;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    if (handler != null) {
      context.runOnContext(v -> readMore());
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    context.runOnContext(v -> readMore());
    return this;
  }

  private void readMore() {
    if (reading || ended || demand == 0 || handler == null) {
      return;
    }
    reading = true;
    workers
        .executeBlocking(
            () -> {
              byte[] chunk = in.readNBytes(CHUNK);
              return chunk.length == 0 ? null : Buffer.buffer(chunk);
            },
            true)
        .onComplete(
            ar -> {
              reading = false;
              if (ar.failed()) {
                ended = true;
                if (exceptionHandler != null) {
                  exceptionHandler.handle(ar.cause());
                }
                return;
              }
              if (ar.result() == null) {
                ended = true;
                if (endHandler != null) {
                  endHandler.handle(null);
                }
                return;
              }
              if (demand != Long.MAX_VALUE) {
                demand--;
              }
              handler.handle(ar.result());
              readMore();
            });
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  /** Closes the body (its HTTP connection goes back to the pool, or is dropped if unread). */
  void close() throws IOException {
    in.close();
  }
}
