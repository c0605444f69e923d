package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * {@link ContractSchemas} catches an answer that drifted from the documents: a missing required
 * field, a wrong type, an undocumented status, path or frame type. Without this, a validator that
 * accepted everything would let every system test pass.
 */
class ContractSchemasUnitTests {
  private static final String MESSAGES = "/api/v1/conversations/Yc1m2mT6QJ2iFJx0kqk9Zg/messages";

  private final ContractSchemas contract = ContractSchemas.shared();

  /** A message as the server answers a send, the example of docs/openapi.yaml. */
  private static JsonObject message() {
    return new JsonObject()
        .put("id", "8mUq0bq3RkOeXh2a1fJ3Ww")
        .put("conversation_id", "Yc1m2mT6QJ2iFJx0kqk9Zg")
        .put("seq", 42)
        .put("prev_seq", 37)
        .put("sender_id", "alice")
        .put("type", "text")
        .put("content", "hello")
        .putNull("reply_to_id")
        .put("attachments", new io.vertx.core.json.JsonArray())
        .put("reactions", new io.vertx.core.json.JsonArray())
        .put("client_msg_id", "c-42")
        .put("created_at", "2026-01-02T03:04:05.123Z")
        .putNull("edited_at")
        .put("deleted", false)
        .putNull("system");
  }

  @Test
  void anAnswerAsDocumentedPasses() {
    assertThat(contract.responseViolations("POST", MESSAGES, 201, message().encode())).isEmpty();
    assertThat(
            contract.responseViolations(
                "GET",
                MESSAGES + "?after_seq=3",
                200,
                new JsonObject()
                    .put("items", new io.vertx.core.json.JsonArray().add(message()))
                    .put("has_more", false)
                    .encode()))
        .isEmpty();
    assertThat(
            contract.responseViolations(
                "DELETE", "/api/v1/messages/8mUq0bq3RkOeXh2a1fJ3Ww", 204, ""))
        .isEmpty();
  }

  @Test
  void aMissingRequiredFieldFails() {
    JsonObject drifted = message();
    drifted.remove("seq");
    assertThat(contract.responseViolations("POST", MESSAGES, 201, drifted.encode()))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("seq")
        .contains("required");
    assertThatThrownBy(
            () ->
                contract.checkResponse("POST", MESSAGES, 201, "application/json", drifted.encode()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("seq");
  }

  @Test
  void aFieldOfTheWrongTypeFails() {
    JsonObject drifted = message().put("seq", "42");
    assertThat(contract.responseViolations("POST", MESSAGES, 201, drifted.encode()))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("/seq");
  }

  @Test
  void anErrorWithoutItsCodeFails() {
    String error = "{\"error\":{\"message\":\"conversation not found\"}}";
    assertThat(contract.responseViolations("GET", MESSAGES, 404, error))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("code");
  }

  @Test
  void anUndocumentedStatusPathOrBodyFails() {
    String error = "{\"error\":{\"code\":\"internal\",\"message\":\"boom\"}}";
    assertThat(contract.responseViolations("GET", MESSAGES, 418, error))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("status not documented");
    assertThat(contract.responseViolations("GET", "/api/v1/nowhere", 404, error))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("no such operation");
    assertThat(contract.responseViolations("PATCH", MESSAGES, 200, error)).hasSize(1);
    assertThat(contract.responseViolations("DELETE", "/api/v1/messages/x", 204, error))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("a body of type");
    assertThat(contract.responseViolations("POST", MESSAGES, 201, ""))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("empty body");
  }

  @Test
  void aBodyOfAnotherMediaTypeThanDocumentedFails() {
    String error = "{\"error\":{\"code\":\"not_found\",\"message\":\"x\"}}";
    assertThat(contract.responseViolations("GET", MESSAGES, 404, "text/plain", error))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("text/plain");
    assertThat(
            contract.responseViolations(
                "GET", MESSAGES, 404, "application/json; charset=utf-8", error))
        .isEmpty();
    // a file's bytes: any media type the uploader gave, no schema
    assertThat(
            contract.responseViolations(
                "GET", "/api/v1/files/8mUq0bq3RkOeXh2a1fJ3Ww", 200, "image/png", "PNG..."))
        .isEmpty();
  }

  @Test
  void framesAreCheckedAgainstTheMessageTheirTypeNames() {
    JsonObject frame = new JsonObject().put("type", "message.new").put("data", message());
    assertThat(contract.frameViolations(frame.encode())).isEmpty();

    frame.getJsonObject("data").remove("created_at");
    assertThat(contract.frameViolations(frame.encode()))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("created_at");

    String deleted =
        "{\"type\":\"message.deleted\",\"data\":{\"conversation_id\":\"c\",\"seq\":3}}";
    assertThat(contract.frameViolations(deleted))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("message_id");

    assertThat(contract.frameViolations("{\"type\":\"member.joined\",\"data\":{}}"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("not a server frame");
    // a client's frame is not something the server sends
    assertThat(contract.frameViolations("{\"type\":\"typing.start\",\"data\":{}}")).hasSize(1);
  }

  @Test
  void aSchemaThatDriftsFromTheServerFails() throws IOException {
    // the same answer, checked against a document that (wrongly) requires one more field
    String openApi = Files.readString(ContractSchemas.docs().resolve("openapi.yaml"));
    String asyncApi = Files.readString(ContractSchemas.docs().resolve("asyncapi.yaml"));
    String drifted =
        openApi.replace(
            "required: [id, conversation_id, seq, prev_seq, sender_id, type, content, reply_to_id,",
            "required: [id, thread_id, conversation_id, seq, prev_seq, sender_id, type, content,"
                + " reply_to_id,");
    assertThat(drifted).isNotEqualTo(openApi);
    assertThat(
            ContractSchemas.of(drifted, asyncApi)
                .responseViolations("POST", MESSAGES, 201, message().encode()))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("thread_id");
  }
}
