package dev.parley.gateway.fanout;

import java.util.List;

/**
 * The one path of every entry a channel's {@link EntryOrder} released, whether it arrived live or
 * was read back (a filled gap, a {@link Resync}): written to the connections that receive the
 * conversation live ({@link EntryWriter#writeLive}), then whoever a delivered {@code
 * member.removed} cut off although its user was added back catches up again from the add ({@link
 * CatchUp#rejoin}). Touched only on the hub's context.
 */
final class InOrderWriter {
  private final EntryWriter writer;
  private final CatchUp catchUp;

  InOrderWriter(EntryWriter writer, CatchUp catchUp) {
    this.writer = writer;
    this.catchUp = catchUp;
  }

  /** Writes released entries, in the order given. */
  void write(Channel ch, List<EntryOrder.Entry> entries) {
    for (EntryOrder.Entry e : entries) {
      catchUp.rejoin(ch.conversationId, writer.writeLive(ch, e));
    }
  }
}
