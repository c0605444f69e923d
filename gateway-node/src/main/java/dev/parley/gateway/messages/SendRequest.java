package dev.parley.gateway.messages;

import dev.parley.contract.wire.Ids;
import dev.parley.gateway.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** A validated send, from REST or WebSocket alike. */
public record SendRequest(String conversationId, String content, String clientMsgId, String replyToId) {

  /**
   * Validates the fields of {@code message.send} / {@code POST …/messages}.
   *
   * @param conversationId from the path (REST) or the frame (WS)
   */
  public static SendRequest parse(String conversationId, JsonObject body, int maxContentBytes) {
    if (!Ids.isGeneratedId(conversationId)) {
      throw ApiException.notFound("conversation not found");
    }
    Object content = body.getValue("content");
    Object attachments = body.getValue("attachment_ids");
    if (attachments != null && !(attachments instanceof JsonArray a && a.isEmpty())) {
      throw ApiException.invalid("attachment_ids are not supported by this server version yet");
    }
    if (!(content instanceof String text) || text.isBlank()) {
      throw ApiException.invalid("content must be a non-empty string");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > maxContentBytes) {
      throw ApiException.tooLarge("content is larger than " + maxContentBytes + " bytes of UTF-8");
    }
    Object clientMsgId = body.getValue("client_msg_id");
    if (clientMsgId != null && !(clientMsgId instanceof String s && Ids.CLIENT_MSG_ID.matcher(s).matches())) {
      throw ApiException.invalid("client_msg_id must be 1-128 printable ASCII characters");
    }
    Object replyTo = body.getValue("reply_to_id");
    if (replyTo != null && !(replyTo instanceof String r && Ids.isGeneratedId(r))) {
      throw ApiException.invalid("reply_to_id must be a message id");
    }
    return new SendRequest(conversationId, text, (String) clientMsgId, (String) replyTo);
  }
}
