package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Text the server cannot keep exactly (U+0000, a lone surrogate, malformed UTF-8, a control
 * character in a one-line field) is refused where it enters, with 400 {@code invalid_argument} or a
 * WebSocket {@code error}, and never acknowledged: before, a NUL message was acked with 201 and
 * then vanished from history, a lone surrogate was stored as {@code ?}, and a NUL group name
 * answered 500.
 */
class TextValidationIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(5);

  TextValidationIntegrationTests(TestEnvironment env) {
    // a refused upload must write nothing; the directory is the test's own all the same
    super(env, Map.of("PARLEY_FILES_DIR", filesDir(env).toString()));
  }

  @AfterAll
  void removeFilesDir() throws IOException {
    if (!Files.exists(filesDir(env))) {
      return;
    }
    try (Stream<Path> all = Files.walk(filesDir(env))) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path filesDir(TestEnvironment env) {
    return Path.of(System.getProperty("java.io.tmpdir"), "parley-text-files-" + env.id());
  }

  @Test
  void aMessageWithNulIsRefusedNotAcknowledgedAndLost() {
    Cast c = cast("nul");
    Api.Reply refused =
        nodes.apiA.send(c.aliceToken(), c.conversationId(), "nul\u0000inside", "c-nul");
    assertInvalid(refused, "content contains U+0000");

    Api.Reply fine = nodes.apiA.send(c.aliceToken(), c.conversationId(), "after", "c-after");
    assertThat(fine.status()).isEqualTo(201);
    assertThat(Rows.awaitCount(pool(), c.conversationId(), 1, WAIT))
        .extracting(Rows.Stored::content)
        .containsExactly("after");
    assertThat(
            nodes.apiB.history(c.bobToken(), c.conversationId(), null).body().getJsonArray("items"))
        .hasSize(1);
  }

  @Test
  void aLoneSurrogateIsRefusedNotStoredAsAQuestionMark() {
    Cast c = cast("surrogate");
    String path = "/api/v1/conversations/" + c.conversationId() + "/messages";
    Api.Reply refused =
        nodes.apiA.callRaw(
            HttpMethod.POST,
            path,
            c.aliceToken(),
            AsciiJson.buffer(new JsonObject().put("content", "half \ud800 pair")));
    assertInvalid(refused, "content contains an unpaired UTF-16 surrogate (U+D800)");

    // a whole pair, escaped the same way, is kept exactly
    Api.Reply pair =
        nodes.apiA.callRaw(
            HttpMethod.POST,
            path,
            c.aliceToken(),
            AsciiJson.buffer(new JsonObject().put("content", "whole \ud83d\ude00 pair")));
    assertThat(pair.status()).isEqualTo(201);
    assertThat(Rows.awaitCount(pool(), c.conversationId(), 1, WAIT))
        .extracting(Rows.Stored::content)
        .containsExactly("whole 😀 pair");
  }

  @Test
  void aBodyThatIsNotUtf8IsRefusedNotReplaced() {
    Cast c = cast("bytes");
    byte[] prefix = "{\"content\":\"caf".getBytes(StandardCharsets.US_ASCII);
    Buffer latin1 = Buffer.buffer(prefix).appendByte((byte) 0xe9).appendString("\"}");
    Api.Reply refused =
        nodes.apiA.callRaw(
            HttpMethod.POST,
            "/api/v1/conversations/" + c.conversationId() + "/messages",
            c.aliceToken(),
            latin1);
    assertInvalid(refused, "the body is not valid UTF-8");
    assertThat(
            nodes
                .apiA
                .history(c.aliceToken(), c.conversationId(), null)
                .body()
                .getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void webSocketSendsWithNulOrALoneSurrogateGetAnErrorAndNoAck() {
    Cast c = cast("ws");
    try (WsClient bob = onB(c.bobToken())) {
      bob.sendText(AsciiJson.encode(sendFrame("nul", c.conversationId(), "a\u0000b")));
      bob.sendText(AsciiJson.encode(sendFrame("half", c.conversationId(), "\udc00")));
      bob.sendText(AsciiJson.encode(sendFrame("ok", c.conversationId(), "fine")));
      JsonObject ok = bob.awaitOne(f -> "ok".equals(f.getString("id")), WAIT);
      assertThat(ok.getString("type")).isEqualTo("ack");
      for (String id : List.of("nul", "half")) {
        JsonObject error = bob.awaitOne(f -> id.equals(f.getString("id")), WAIT);
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getJsonObject("data").getString("code")).isEqualTo("invalid_argument");
        assertThat(error.getJsonObject("data").getString("message")).startsWith("content contains");
      }
      assertThat(bob.closeCode()).as("the connection stays open").isNull();
      assertThat(Rows.awaitCount(pool(), c.conversationId(), 1, WAIT))
          .extracting(Rows.Stored::content)
          .containsExactly("fine");
    }
  }

  @Test
  void aWebSocketTextMessageIsDecodedWholeAndOneThatIsNotUtf8ClosesWith1007() {
    Cast c = cast("frames");
    try (WsClient bob = onB(c.bobToken())) {
      // a message split inside "é" is valid once its frames are put together
      byte[] whole =
          sendFrame("split", c.conversationId(), "café").encode().getBytes(StandardCharsets.UTF_8);
      int cut = indexOf(whole, (byte) 0xc3) + 1;
      bob.writeFrame(WebSocketFrame.textFrame("", false));
      bob.writeFrame(
          WebSocketFrame.continuationFrame(
              Buffer.buffer(Arrays.copyOfRange(whole, 0, cut)), false));
      bob.writeFrame(
          WebSocketFrame.continuationFrame(
              Buffer.buffer(Arrays.copyOfRange(whole, cut, whole.length)), true));
      assertThat(
              bob.awaitOne(f -> "split".equals(f.getString("id")), WAIT)
                  .getJsonObject("data")
                  .getString("content"))
          .isEqualTo("café");

      byte[] latin1 =
          sendFrame("latin1", c.conversationId(), "café")
              .encode()
              .getBytes(StandardCharsets.ISO_8859_1);
      bob.writeFrame(WebSocketFrame.textFrame("", false));
      bob.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(latin1), true));
      Short code =
          Await.until(
              bob::closeCode,
              System.nanoTime() + WAIT.toNanos(),
              () -> "the connection is still open");
      assertThat(code).isEqualTo((short) 1007);
      assertThat(bob.frames()).noneMatch(f -> "latin1".equals(f.getString("id")));
    }
    assertThat(Rows.awaitCount(pool(), c.conversationId(), 1, WAIT))
        .extracting(Rows.Stored::content)
        .containsExactly("café");
  }

  @Test
  void groupNamesWithNulOrControlCharactersAreRefusedOnCreateAndRename() {
    Cast c = cast("named");
    String path = "/api/v1/conversations/" + c.conversationId();
    assertInvalid(
        nodes.apiA.call(
            HttpMethod.PUT, path, c.aliceToken(), new JsonObject().put("name", "team\u0000")),
        "name contains U+0000");
    assertInvalid(
        nodes.apiA.call(
            HttpMethod.PUT, path, c.aliceToken(), new JsonObject().put("name", "two\nlines")),
        "name contains the control character U+000A");
    assertInvalid(
        nodes.apiA.callRaw(
            HttpMethod.PUT,
            path,
            c.aliceToken(),
            AsciiJson.buffer(new JsonObject().put("name", "\ud800"))),
        "name contains an unpaired UTF-16 surrogate");
    assertInvalid(
        nodes.apiA.call(
            HttpMethod.PUT, path, c.aliceToken(), new JsonObject().put("description", "x\u0000")),
        "description contains U+0000");
    assertThat(
            nodes
                .apiA
                .call(
                    HttpMethod.PUT,
                    path,
                    c.aliceToken(),
                    new JsonObject().put("description", "line 1\nline 2"))
                .status())
        .as("a description may have several lines")
        .isEqualTo(200);
    assertThat(nodes.apiB.call(HttpMethod.GET, path, c.bobToken(), null).body().getString("name"))
        .isEqualTo("named");

    assertInvalid(
        nodes.apiA.call(
            HttpMethod.POST,
            "/api/v1/conversations",
            c.aliceToken(),
            new JsonObject().put("type", "group").put("name", "bell\u0007")),
        "name contains the control character U+0007");
  }

  @Test
  void editsReactionsAndDevTokenNamesFollowTheSameRules() {
    Cast c = cast("others");
    String messageId =
        nodes
            .apiA
            .send(c.aliceToken(), c.conversationId(), "original", null)
            .body()
            .getString("id");
    assertInvalid(
        MessageApi.edit(nodes.apiA, c.aliceToken(), messageId, "edited\u0000"),
        "content contains U+0000");
    assertInvalid(
        nodes.apiA.callRaw(
            HttpMethod.POST,
            "/api/v1/messages/" + messageId + "/reactions",
            c.bobToken(),
            AsciiJson.buffer(new JsonObject().put("emoji", "\ud83d"))),
        "emoji contains an unpaired UTF-16 surrogate");
    assertInvalid(
        nodes.apiA.call(
            HttpMethod.POST,
            "/api/v1/auth/dev-token",
            null,
            new JsonObject().put("user_id", env.newId("dave")).put("name", "Dave\u0000")),
        "name contains U+0000");
    assertThat(
            nodes
                .apiB
                .history(c.bobToken(), c.conversationId(), null)
                .body()
                .getJsonArray("items")
                .getJsonObject(0)
                .getString("content"))
        .isEqualTo("original");
  }

  @Test
  void anUploadWhoseFileNameHasAControlCharacterIsRefused() {
    Cast c = cast("files");
    try (FileClient files = new FileClient(nodes.vertx, nodes.cluster.gateway(0).port())) {
      FileClient.Response r =
          files.upload(
              c.aliceToken(),
              new FileClient.Part(
                  "file", "report\u001b[2J.txt", "text/plain", Buffer.buffer("hello")));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_argument");
      assertThat(r.json().getJsonObject("error").getString("message"))
          .startsWith("the file name contains the control character U+001B");
    }
  }

  private static JsonObject sendFrame(String id, String conversationId, String content) {
    return new JsonObject()
        .put("type", "message.send")
        .put("id", id)
        .put(
            "data",
            new JsonObject().put("conversation_id", conversationId).put("content", content));
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new IllegalArgumentException("no such byte");
  }

  private static void assertInvalid(Api.Reply reply, String messageStart) {
    assertThat(reply.status()).as("%s", reply.body()).isEqualTo(400);
    assertThat(reply.body().getJsonObject("error").getString("code")).isEqualTo("invalid_argument");
    assertThat(reply.body().getJsonObject("error").getString("message")).startsWith(messageStart);
  }
}
