package dev.parley.worker.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns a batch into the array parameters of {@link BatchSql}: one array per column, the i-th
 * element of each describing the i-th row.
 */
final class BatchParams {

  private BatchParams() {}

  /** {@code $1}: the batch's conversations, distinct and sorted (the lock order). */
  static Tuple conversationIds(List<MessageRow> rows) {
    TreeSet<String> ids = new TreeSet<>();
    for (MessageRow r : rows) {
      ids.add(r.conversationId());
    }
    return Tuple.tuple().addArrayOfString(ids.toArray(new String[0]));
  }

  static Tuple messages(List<MessageRow> rows) {
    int n = rows.size();
    String[] id = new String[n];
    String[] conversation = new String[n];
    Long[] seq = new Long[n];
    String[] sender = new String[n];
    String[] type = new String[n];
    String[] content = new String[n];
    String[] replyTo = new String[n];
    String[] clientMsgId = new String[n];
    String[] system = new String[n];
    OffsetDateTime[] createdAt = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      MessageRow r = rows.get(i);
      id[i] = r.id();
      conversation[i] = r.conversationId();
      seq[i] = r.seq();
      sender[i] = r.senderId();
      type[i] = r.type();
      content[i] = r.content();
      replyTo[i] = r.replyToId();
      clientMsgId[i] = r.clientMsgId();
      system[i] = r.system();
      createdAt[i] = r.createdAt();
    }
    return Tuple.tuple()
        .addArrayOfString(id)
        .addArrayOfString(conversation)
        .addArrayOfLong(seq)
        .addArrayOfString(sender)
        .addArrayOfString(type)
        .addArrayOfString(content)
        .addArrayOfString(replyTo)
        .addArrayOfString(clientMsgId)
        .addArrayOfString(system)
        .addValue(createdAt);
  }

  /** {@code (conversation_id, seq)} pairs: the rows {@link BatchSql#REPAIR_PREV_SEQ} starts from. */
  static Tuple keys(List<String> conversations, List<Long> seqs) {
    return Tuple.tuple()
        .addArrayOfString(conversations.toArray(new String[0]))
        .addArrayOfLong(seqs.toArray(new Long[0]));
  }

  /** One element per (message, file), position counting from 0 within its message; null when none. */
  static Tuple attachments(List<MessageRow> rows) {
    List<String> messageIds = new ArrayList<>();
    List<String> fileIds = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (MessageRow r : rows) {
      List<String> files = r.attachmentFileIds();
      for (int p = 0; p < files.size(); p++) {
        messageIds.add(r.id());
        fileIds.add(files.get(p));
        positions.add(p);
      }
    }
    if (messageIds.isEmpty()) {
      return null;
    }
    return Tuple.tuple()
        .addArrayOfString(messageIds.toArray(new String[0]))
        .addArrayOfString(fileIds.toArray(new String[0]))
        .addArrayOfInteger(positions.toArray(new Integer[0]));
  }

  static Tuple deadLetters(List<DeadLetter> entries) {
    int n = entries.size();
    String[] stream = new String[n];
    Long[] seq = new Long[n];
    String[] subject = new String[n];
    String[] headers = new String[n];
    Buffer[] payload = new Buffer[n];
    String[] error = new String[n];
    String[] conversation = new String[n];
    for (int i = 0; i < n; i++) {
      DeadLetter d = entries.get(i);
      stream[i] = d.stream();
      seq[i] = d.streamSeq();
      subject[i] = d.subject();
      headers[i] = d.headersJson();
      payload[i] = Buffer.buffer(d.payload());
      error[i] = d.error();
      conversation[i] = d.conversationId();
    }
    return Tuple.tuple()
        .addArrayOfString(stream)
        .addArrayOfLong(seq)
        .addArrayOfString(subject)
        .addArrayOfString(headers)
        .addValue(payload)
        .addArrayOfString(error)
        .addArrayOfString(conversation);
  }
}
