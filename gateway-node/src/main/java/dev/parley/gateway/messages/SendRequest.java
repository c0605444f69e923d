package dev.parley.gateway.messages;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.text.TextRules;
import dev.parley.gateway.text.TextRules.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated send, from REST or WebSocket alike.
 *
 * @param content the text; empty for a message of files only
 * @param attachmentIds files to attach, in order, without repeats (empty for none)
 */
public record SendRequest(
    String conversationId,
    String content,
    String clientMsgId,
    String replyToId,
    List<String> attachmentIds) {

  /** Files one message may carry. */
  public static final int MAX_ATTACHMENTS = 10;

  public SendRequest {
    attachmentIds = List.copyOf(attachmentIds);
  }

  /** {@code file} for files with no text; {@code text} otherwise (text plus files stays text). */
  public String type() {
    return content.isEmpty() && !attachmentIds.isEmpty() ? ChatMessage.FILE : ChatMessage.TEXT;
  }

  /**
   * Validates the fields of {@code message.send} / {@code POST …/messages}.
   *
   * @param conversationId from the path (REST) or the frame (WS)
   */
  public static SendRequest parse(String conversationId, JsonObject body, int maxContentBytes) {
    if (!Ids.isGeneratedId(conversationId)) {
      throw ApiException.notFound("conversation not found");
    }
    List<String> attachmentIds = attachmentIds(body.getValue("attachment_ids"));
    Object content = body.getValue("content");
    String text;
    if (content == null && !attachmentIds.isEmpty()) {
      text = "";
    } else if (!(content instanceof String s) || (s.isBlank() && attachmentIds.isEmpty())) {
      throw ApiException.invalid(
          "content must be a non-empty string (it may be empty only when attachment_ids names files)");
    } else {
      text = s.isBlank() ? "" : TextRules.require("content", s, Kind.MULTI_LINE);
    }
    checkSize(text, maxContentBytes);
    Object clientMsgId = body.getValue("client_msg_id");
    if (clientMsgId != null
        && !(clientMsgId instanceof String s && Ids.CLIENT_MSG_ID.matcher(s).matches())) {
      throw ApiException.invalid("client_msg_id must be 1-128 printable ASCII characters");
    }
    Object replyTo = body.getValue("reply_to_id");
    if (replyTo != null && !(replyTo instanceof String r && Ids.isGeneratedId(r))) {
      throw ApiException.invalid("reply_to_id must be a message id");
    }
    return new SendRequest(
        conversationId, text, (String) clientMsgId, (String) replyTo, attachmentIds);
  }

  /** The {@code content} of an edit: a string within the size limit (blank is judged against the message). */
  public static String editContent(JsonObject body, int maxContentBytes) {
    if (!(body.getValue("content") instanceof String text)) {
      throw ApiException.invalid("content must be a string");
    }
    checkSize(text, maxContentBytes);
    return TextRules.require("content", text, Kind.MULTI_LINE);
  }

  private static void checkSize(String text, int maxContentBytes) {
    // a char is at most 3 bytes of UTF-8, so a short text needs no encoding to pass
    if (text.length() > maxContentBytes / 3
        && text.getBytes(StandardCharsets.UTF_8).length > maxContentBytes) {
      throw ApiException.tooLarge("content is larger than " + maxContentBytes + " bytes of UTF-8");
    }
  }

  private static List<String> attachmentIds(Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array)) {
      throw ApiException.invalid("attachment_ids must be an array of file ids");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (Object id : array) {
      if (!(id instanceof String s) || !Ids.CLIENT_MSG_ID.matcher(s).matches()) {
        throw ApiException.invalid("attachment_ids must be an array of file ids");
      }
      ids.add(s);
    }
    if (ids.size() > MAX_ATTACHMENTS) {
      throw ApiException.invalid("a message carries at most " + MAX_ATTACHMENTS + " files");
    }
    return new ArrayList<>(ids);
  }
}
