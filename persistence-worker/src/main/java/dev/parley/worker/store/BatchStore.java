package dev.parley.worker.store;

import io.vertx.core.Future;

/** Where batches go. {@link MessageStore} is the Postgres one. */
public interface BatchStore {

  /** Writes the batch in one transaction: all of it commits, or none of it. */
  Future<StoreResult> write(StoreBatch batch);
}
