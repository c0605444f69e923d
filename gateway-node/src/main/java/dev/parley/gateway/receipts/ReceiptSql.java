package dev.parley.gateway.receipts;

/** Every statement read receipts run, named. */
final class ReceiptSql {
  private ReceiptSql() {}

  /**
   * Whether the position would move, read without the conversation's lock: clients report reads
   * often, mostly of what they reported already, and those need no lock and no event.
   */
  static final String WOULD_MOVE =
      "SELECT 1 FROM members WHERE conversation_id = $1 AND user_id = $2 AND last_read_seq < $3";

  /** Forward only: reading an older message (or the same one again) matches no row. */
  static final String ADVANCE =
      """
      UPDATE members SET last_read_seq = $3
      WHERE conversation_id = $1 AND user_id = $2 AND last_read_seq < $3
      RETURNING now() AS read_at""";
}
