package dev.parley.gateway.stream;

import io.vertx.core.Context;
import io.vertx.core.Future;

/** Reading a subject's entries back from the stream (what the fan-out needs of {@link StreamClient}). */
public interface StreamReads {
  /** The first entry at or after {@code fromSeq} on {@code subject}, or null when there is none. */
  Future<StreamEntry> nextOnSubject(Context ctx, long fromSeq, String subject);
}
