package dev.parley.gateway.receipts;

/** Every statement read receipts run, named. */
final class ReceiptSql {
  private ReceiptSql() {}

  /** Forward only: reading an older message (or the same one again) matches no row. */
  static final String ADVANCE = """
      UPDATE members SET last_read_seq = $3
      WHERE conversation_id = $1 AND user_id = $2 AND last_read_seq < $3
      RETURNING now() AS read_at""";
}
