package dev.parley.gateway.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.failure.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SendRequestUnitTests {
  private static final String CONV = Ids.newId();

  private static ErrorCode codeOf(JsonObject body, String conversationId) {
    try {
      SendRequest.parse(conversationId, body, 16);
      return null;
    } catch (ApiException e) {
      return e.code();
    }
  }

  @Test
  void aPlainMessageParses() {
    SendRequest r =
        SendRequest.parse(
            CONV, new JsonObject().put("content", "hi").put("client_msg_id", "c-1"), 16);
    assertThat(r.content()).isEqualTo("hi");
    assertThat(r.clientMsgId()).isEqualTo("c-1");
  }

  @Test
  void contentLimitsCountUtf8Bytes() {
    assertThat(codeOf(new JsonObject().put("content", "x".repeat(16)), CONV)).isNull();
    // 8 characters, 17 bytes
    assertThat(codeOf(new JsonObject().put("content", "ééééééé€"), CONV))
        .isEqualTo(ErrorCode.TOO_LARGE);
  }

  @Test
  void badInputIsAClearError() {
    assertThat(codeOf(new JsonObject(), CONV)).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(codeOf(new JsonObject().put("content", "  "), CONV))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(codeOf(new JsonObject().put("content", 5), CONV))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(
            codeOf(new JsonObject().put("content", "hi").put("client_msg_id", "has space"), CONV))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(codeOf(new JsonObject().put("content", "hi").put("reply_to_id", "x"), CONV))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(codeOf(new JsonObject().put("content", "hi").put("attachment_ids", "f"), CONV))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(
            codeOf(
                new JsonObject().put("content", "hi").put("attachment_ids", new JsonArray().add(5)),
                CONV))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(codeOf(new JsonObject().put("attachment_ids", new JsonArray()), CONV))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void filesWithoutTextMakeAFileMessageAndTextWithFilesStaysText() {
    SendRequest filesOnly =
        SendRequest.parse(
            CONV,
            new JsonObject().put("attachment_ids", new JsonArray().add("f1").add("f2").add("f1")),
            16);
    assertThat(filesOnly.type()).isEqualTo("file");
    assertThat(filesOnly.content()).isEmpty();
    assertThat(filesOnly.attachmentIds())
        .as("repeats dropped, order kept")
        .containsExactly("f1", "f2");
    SendRequest blankText =
        SendRequest.parse(
            CONV,
            new JsonObject().put("content", " ").put("attachment_ids", new JsonArray().add("f1")),
            16);
    assertThat(blankText.type()).isEqualTo("file");
    SendRequest captioned =
        SendRequest.parse(
            CONV,
            new JsonObject()
                .put("content", "look")
                .put("attachment_ids", new JsonArray().add("f1")),
            16);
    assertThat(captioned.type()).isEqualTo("text");
    assertThat(SendRequest.parse(CONV, new JsonObject().put("content", "plain"), 16).type())
        .isEqualTo("text");
  }

  @Test
  void atMostTenFilesPerMessage() {
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) {
      eleven.add("file-" + i);
    }
    assertThat(codeOf(new JsonObject().put("attachment_ids", eleven), CONV))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void anEditsContentIsAStringWithinTheLimit() {
    assertThat(SendRequest.editContent(new JsonObject().put("content", "fixed"), 16))
        .isEqualTo("fixed");
    assertThat(SendRequest.editContent(new JsonObject().put("content", ""), 16))
        .as("judged against the message later")
        .isEmpty();
    assertThatThrownBy(() -> SendRequest.editContent(new JsonObject(), 16))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(
            () -> SendRequest.editContent(new JsonObject().put("content", "ééééééé€"), 16))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
  }

  @Test
  void aConversationIdWeCouldNotHaveIssuedIsNotFound() {
    assertThat(codeOf(new JsonObject().put("content", "hi"), "no.such"))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThatThrownBy(() -> SendRequest.parse(null, new JsonObject().put("content", "hi"), 16))
        .isInstanceOf(ApiException.class);
  }
}
