package dev.parley.worker.relay;

import dev.parley.worker.relay.RelayBatch.Stored;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Who relays: the worker whose Postgres session holds the relay's advisory lock. One relay at a
 * time is what keeps {@code <prefix>.conv.<id>.events} in stream order: a single publisher's
 * messages reach every subscriber in the order it sent them, two publishers' do not.
 *
 * <p>Postgres rather than NATS holds the lease because the relay needs Postgres anyway (every
 * message's prev_seq comes from its stored row), and because that read runs on the very session
 * that holds the lock: a batch is published only right after a round trip proved the lock still
 * held. A worker that dies releases the lock with its session; one that is cut off from Postgres
 * finds out at its next read and stops.
 *
 * <p>Blocking: called from the relay thread only, never from an event loop.
 */
final class RelayLease implements AutoCloseable {
  private final Vertx vertx;
  private final PgConnectOptions options;
  private final String lockName;
  private final Duration timeout;
  private volatile PgConnection connection;
  private volatile boolean held;
  private volatile boolean connected;

  /**
   * @param lockName names the lock (hashed to the advisory-lock key)
   * @param timeout bound on each statement: a hung session counts as a lost lease
   */
  RelayLease(Vertx vertx, PgConnectOptions options, String lockName, Duration timeout) {
    this.vertx = vertx;
    this.options = options;
    this.lockName = lockName;
    this.timeout = timeout;
  }

  /** Takes the lock if it is free (connecting first when needed). True when this worker holds it. */
  boolean tryAcquire() throws Exception {
    if (!connected) {
      open();
    }
    try {
      Row row =
          await(connection.preparedQuery(RelaySql.TRY_LOCK).execute(Tuple.of(lockName)))
              .iterator()
              .next();
      held = Boolean.TRUE.equals(row.getBoolean(0));
      return held;
    } catch (Exception e) {
      release();
      throw e;
    }
  }

  /** False once the lock's session has ended (Postgres restarted, the network dropped it...). */
  boolean held() {
    return held && connected;
  }

  /** Ends the relaying term once the lock's session has ended. */
  void requireHeld() throws TermEnded {
    if (!held()) {
      throw new TermEnded("the relay lease's Postgres session has ended");
    }
  }

  /**
   * Each message's stored prev_seq, read on the session holding the lock; success proves the lease.
   * Fails with {@link TermEnded} when the session is gone, which ends this worker's relaying.
   *
   * @param messages the batch's messages (possibly none: the read still confirms the lease)
   */
  Map<Long, Stored> storedPrevSeqs(List<RelayBatch.Entry> messages)
      throws TermEnded, InterruptedException {
    requireHeld();
    String[] conversations = new String[messages.size()];
    Long[] seqs = new Long[messages.size()];
    for (int i = 0; i < messages.size(); i++) {
      conversations[i] = messages.get(i).conversationId();
      seqs[i] = messages.get(i).seq();
    }
    Map<Long, Stored> stored = new HashMap<>();
    try {
      for (Row row :
          await(
              connection
                  .preparedQuery(RelaySql.STORED_PREV_SEQ)
                  .execute(Tuple.tuple().addArrayOfString(conversations).addArrayOfLong(seqs)))) {
        stored.put(
            row.getLong("seq"), new Stored(row.getBoolean("stored"), row.getLong("prev_seq")));
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      release();
      throw new TermEnded(
          "reading stored messages on the relay lease's session failed: " + e.getMessage());
    }
    return stored;
  }

  /** Gives the lease up: closing the session releases the lock. Safe to call when not held. */
  void release() {
    held = false;
    connected = false;
    PgConnection c = connection;
    connection = null;
    if (c != null) {
      try {
        await(c.close());
      } catch (Exception e) {
        // the session is gone either way, and with it the lock
      }
    }
  }

  @Override
  public void close() {
    release();
  }

  private void open() throws Exception {
    Future<PgConnection> connecting = PgConnection.connect(vertx, options);
    PgConnection c;
    try {
      c = await(connecting);
    } catch (Exception e) {
      connecting.onSuccess(
          PgConnection::close); // a connection that arrives after the timeout is not kept
      throw e;
    }
    connection = c;
    c.closeHandler(
        v -> {
          if (connection == c) {
            connected = false;
          }
        });
    connected = true;
    try {
      await(c.query(RelaySql.KEEPALIVES).execute());
    } catch (Exception e) {
      release();
      throw e;
    }
  }

  private <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
