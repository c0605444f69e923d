package dev.parley.worker.batch;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.worker.store.MessageRow;
import dev.parley.worker.store.StoreBatch;
import dev.parley.worker.store.Undeliverable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a batch of stream entries: message drafts become rows, other durable events are counted
 * and skipped (nothing stores them yet), and an entry that cannot be read is set aside whole
 * rather than retried forever.
 */
public final class EntryDecoder {
  private static final Pattern EVENT_TYPE = Pattern.compile("[a-z_]{1,32}(\\.[a-z_]{1,32}){0,3}");

  private final Subjects subjects;

  public EntryDecoder(Subjects subjects) {
    this.subjects = subjects;
  }

  /**
   * @param store what to write
   * @param skippedEvents number of skipped events by {@code type}
   */
  public record Decoded(StoreBatch store, Map<String, Integer> skippedEvents) {}

  public Decoded decode(List<Delivery> batch) {
    List<MessageRow> rows = new ArrayList<>(batch.size());
    List<Undeliverable> setAside = new ArrayList<>();
    Map<String, Integer> skipped = new LinkedHashMap<>();
    Set<Long> seen = new HashSet<>();
    for (Delivery d : batch) {
      if (!seen.add(d.streamSeq())) {
        continue; // the same entry delivered twice into one batch
      }
      String kind = Subjects.kindOf(d.subject());
      try {
        if (Subjects.MESSAGE_KIND.equals(kind)) {
          rows.add(messageRow(d));
        } else if (Subjects.EVENT_KIND.equals(kind)) {
          skipped.merge(eventType(d), 1, Integer::sum);
        } else {
          throw new IllegalArgumentException("unknown subject kind '" + kind + "'");
        }
      } catch (RuntimeException e) {
        setAside.add(undeliverable(d, "undecodable: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    }
    return new Decoded(new StoreBatch(rows, setAside), skipped);
  }

  /** The entry whole, as text Postgres accepts (it refuses NUL in text, so that one is escaped). */
  public Undeliverable undeliverable(Delivery d, String reason) {
    String payload = new String(d.data(), StandardCharsets.UTF_8).replace("\u0000", "\\u0000");
    return new Undeliverable(d.streamSeq(), d.subject(), payload, reason, conversationOf(d.subject()));
  }

  private MessageRow messageRow(Delivery d) {
    JsonObject draft = new JsonObject(Buffer.buffer(d.data()));
    ChatMessage m = ChatMessage.fromDraft(draft, d.streamSeq(), null);
    if (m.id() == null || m.id().isBlank()) {
      throw new IllegalArgumentException("draft has no id");
    }
    String subjectConversation = conversationOf(d.subject());
    if (!subjectConversation.equals(m.conversationId())) {
      throw new IllegalArgumentException("draft conversation_id " + m.conversationId()
          + " does not match subject conversation " + subjectConversation);
    }
    JsonObject system = m.system();
    return new MessageRow(m.id(), m.conversationId(), d.streamSeq(), m.senderId(), m.type(), m.content(),
        m.replyToId(), m.clientMsgId(), system == null ? null : system.encode(),
        m.createdAt().atOffset(ZoneOffset.UTC), fileIds(m.attachments()));
  }

  /** Attachments travel as file objects ({@code {"id",...}}) or bare file ids. */
  private static List<String> fileIds(JsonArray attachments) {
    List<String> ids = new ArrayList<>();
    if (attachments == null) {
      return ids;
    }
    for (Object a : attachments) {
      if (a instanceof JsonObject && ((JsonObject) a).getValue("id") instanceof String) {
        ids.add(((JsonObject) a).getString("id"));
      } else if (a instanceof String) {
        ids.add((String) a);
      } else {
        throw new IllegalArgumentException("attachment is neither a file object nor a file id: " + a);
      }
    }
    return ids;
  }

  /** The event's type, as a metric tag: anything not shaped like a type counts as "other". */
  private static String eventType(Delivery d) {
    Object type = new JsonObject(Buffer.buffer(d.data())).getValue("type");
    return type instanceof String && EVENT_TYPE.matcher((String) type).matches() ? (String) type : "other";
  }

  private String conversationOf(String subject) {
    try {
      return subjects.conversationOf(subject);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
