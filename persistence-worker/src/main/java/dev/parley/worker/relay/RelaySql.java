package dev.parley.worker.relay;

/** Every statement the relay runs, all on the one session that holds its lease. */
final class RelaySql {

  /**
   * The relay lease: a session-level advisory lock, keyed by the stream so two deployments sharing
   * a database do not share a relay. It lasts as long as the session: a worker that dies (or loses
   * its connection) releases it without any timeout of ours.
   */
  static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))";

  /**
   * A dead peer must not keep the lock for the operating system's default keep-alive (two hours):
   * with these, Postgres drops the session of a vanished worker within about 25 s.
   */
  static final String KEEPALIVES =
      "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3";

  /**
   * prev_seq of each message as the worker stored it; a key with no row (a resend the client-id
   * constraint kept out, a dead letter) comes back with {@code stored = false}. Index probes
   * on {@code (conversation_id, seq)}; with no keys it is still one round trip on the lease's
   * session, which is what confirms the lease before a batch is published.
   */
  static final String STORED_PREV_SEQ =
      """
      SELECT b.seq, m.prev_seq, m.id IS NOT NULL AS stored
      FROM unnest($1::text[], $2::bigint[]) AS b(conversation_id, seq)
      LEFT JOIN messages m ON m.conversation_id = b.conversation_id AND m.seq = b.seq""";

  private RelaySql() {}
}
