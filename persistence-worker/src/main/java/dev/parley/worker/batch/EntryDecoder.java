package dev.parley.worker.batch;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.worker.store.DeadLetter;
import dev.parley.worker.store.MessageRow;
import dev.parley.worker.store.StoreBatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 * and skipped (nothing stores them yet), and an entry that cannot be read becomes a dead letter,
 * kept whole, rather than retried forever.
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
    List<DeadLetter> dead = new ArrayList<>();
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
        dead.add(deadLetter(d, "undecodable: " + describe(e)));
      }
    }
    return new Decoded(new StoreBatch(rows, dead), skipped);
  }

  /** The entry exactly as the stream holds it, with its headers and why it cannot be stored. */
  public DeadLetter deadLetter(Delivery d, String error) {
    JsonObject headers = new JsonObject();
    d.headers().forEach((name, values) -> headers.put(name, new JsonArray(List.copyOf(values))));
    // Postgres text holds no NUL; an error message is ours or the driver's, but make sure
    return new DeadLetter(
        d.stream(),
        d.streamSeq(),
        d.subject(),
        headers.encode(),
        d.data(),
        error.replace("\u0000", "\\u0000"),
        conversationOf(d.subject()));
  }

  /**
   * Why an entry could not be read, without quoting it: the JSON parser's own message would carry
   * a piece of the payload (message text) into the log.
   */
  static String describe(RuntimeException e) {
    if (e instanceof DecodeException && e.getCause() instanceof JsonProcessingException json) {
      JsonLocation at = json.getLocation();
      return "not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }
    if (e instanceof DecodeException) {
      return "not valid JSON";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private MessageRow messageRow(Delivery d) {
    JsonObject draft = new JsonObject(Buffer.buffer(d.data()));
    ChatMessage m = ChatMessage.fromDraft(draft, d.streamSeq(), null);
    if (m.id() == null || m.id().isBlank()) {
      throw new IllegalArgumentException("draft has no id");
    }
    String subjectConversation = conversationOf(d.subject());
    if (!subjectConversation.equals(m.conversationId())) {
      throw new IllegalArgumentException(
          "draft conversation_id "
              + m.conversationId()
              + " does not match subject conversation "
              + subjectConversation);
    }
    JsonObject system = m.system();
    return new MessageRow(
        m.id(),
        m.conversationId(),
        d.streamSeq(),
        m.senderId(),
        m.type(),
        m.content(),
        m.replyToId(),
        m.clientMsgId(),
        system == null ? null : system.encode(),
        m.createdAt().atOffset(ZoneOffset.UTC),
        fileIds(m.attachments()));
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
        throw new IllegalArgumentException(
            "attachment is neither a file object nor a file id: " + a);
      }
    }
    return ids;
  }

  /** The event's type, as a metric tag: anything not shaped like a type counts as "other". */
  private static String eventType(Delivery d) {
    Object type = new JsonObject(Buffer.buffer(d.data())).getValue("type");
    return type instanceof String && EVENT_TYPE.matcher((String) type).matches()
        ? (String) type
        : "other";
  }

  private String conversationOf(String subject) {
    try {
      return subjects.conversationOf(subject);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
