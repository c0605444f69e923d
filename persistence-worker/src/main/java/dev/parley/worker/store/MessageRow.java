package dev.parley.worker.store;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One message as the worker stores it: the draft's fields plus its stream sequence.
 * {@code prev_seq} is not here: the store derives it from what the table holds.
 *
 * @param system the system-message details as JSON text, or null
 * @param attachmentFileIds files attached to the message, in order
 */
public record MessageRow(
    String id,
    String conversationId,
    long seq,
    String senderId,
    String type,
    String content,
    String replyToId,
    String clientMsgId,
    String system,
    OffsetDateTime createdAt,
    List<String> attachmentFileIds) {

  public MessageRow {
    attachmentFileIds = List.copyOf(attachmentFileIds);
  }
}
