package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.system.FileClient.Part;
import dev.parley.system.FileClient.Response;
import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FilesBehaviour {
  /** Small, so a test can cross it cheaply; the default is 25 MiB. */
  private static final int LIMIT = 64 * 1024;

  private final TestEnvironment env;
  private final FileStoreUnderTest store;
  private TwoNodes nodes;
  private FileClient filesA;
  private FileClient filesB;
  private Pool pool;

  FilesBehaviour(TestEnvironment env, FileStoreUnderTest store) {
    this.env = env;
    this.store = store;
  }

  @BeforeAll
  void start() throws IOException {
    Map<String, String> settings = new HashMap<>(store.settings());
    settings.put("PARLEY_MAX_UPLOAD_BYTES", Integer.toString(LIMIT));
    nodes = TwoNodes.start(env, settings);
    filesA = new FileClient(nodes.vertx, nodes.cluster.gateway(0).port());
    filesB = new FileClient(nodes.vertx, nodes.cluster.gateway(1).port());
    pool = env.pgPool(nodes.vertx);
  }

  @AfterAll
  void stop() throws Exception {
    filesA.close();
    filesB.close();
    nodes.close();
    store.close();
  }

  private static Buffer text(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Buffer randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return Buffer.buffer(b);
  }

  private String upload(String token, String name, Buffer content) {
    Response r = filesA.upload(token, new Part("file", name, "application/octet-stream", content));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private long fileRows() {
    return Cluster.await(pool.query("SELECT count(*) FROM files").execute())
        .iterator()
        .next()
        .getLong(0);
  }

  private List<String> storedFiles() {
    return store.objects();
  }

  @Test
  void anUploadDownloadsFromTheOtherNodeWithItsNameTypeAndSafeHeaders() {
    String alice = nodes.apiA.devToken(env.newId("alice"));
    Buffer content = randomBytes(50_000);

    Response up =
        filesA.upload(
            alice, new Part("file", "naïve plan 100% (v2).bin", "Application/X-Custom", content));

    assertThat(up.status()).isEqualTo(201);
    JsonObject file = up.json();
    assertThat(file.getString("id")).matches("[A-Za-z0-9_-]{22}");
    assertThat(file.getString("name")).isEqualTo("naïve plan 100% (v2).bin");
    assertThat(file.getLong("size")).isEqualTo(50_000L);
    assertThat(file.getString("content_type")).isEqualTo("application/x-custom");

    Response down = filesB.download(alice, file.getString("id"));
    assertThat(down.status()).isEqualTo(200);
    assertThat(down.body()).isEqualTo(content);
    assertThat(down.headers().get("Content-Type")).isEqualTo("application/x-custom");
    assertThat(down.headers().get("Content-Length")).isEqualTo("50000");
    assertThat(down.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(down.headers().get("Content-Disposition"))
        .isEqualTo(
            "attachment; filename=\"na_ve plan 100_ (v2).bin\"; filename*=UTF-8''na%C3%AFve%20plan%20100%25%20%28v2%29.bin");
  }

  @Test
  void pathsInTheNameAreDroppedAndAMissingTypeIsOctetStream() {
    String alice = nodes.apiA.devToken(env.newId("alice"));

    Response up =
        filesA.upload(alice, new Part("file", "../../etc/passwd", null, text("root:x:0:0")));

    assertThat(up.status()).isEqualTo(201);
    assertThat(up.json().getString("name")).isEqualTo("passwd");
    assertThat(up.json().getString("content_type")).isEqualTo("application/octet-stream");
    Response down = filesB.download(alice, up.json().getString("id"));
    assertThat(down.body().toString()).isEqualTo("root:x:0:0");
    assertThat(down.headers().get("Content-Disposition")).contains("filename=\"passwd\"");
  }

  @Test
  void onlyTheUploaderUntilAttachedThenMembersOfThatConversationNeverStrangers() {
    String aliceId = env.newId("alice");
    String bobId = env.newId("bob");
    String alice = nodes.apiA.devToken(aliceId);
    String bob = nodes.apiB.devToken(bobId);
    String stranger = nodes.apiB.devToken(env.newId("stranger"));
    String conversationId = nodes.apiA.createGroup(alice, "files", List.of(bobId)).getString("id");
    String fileId = upload(alice, "notes.txt", text("shared notes"));

    Response beforeAttach = filesB.download(bob, fileId);
    assertThat(beforeAttach.status()).isEqualTo(404);
    assertThat(beforeAttach.errorCode()).isEqualTo("not_found");

    JsonObject sent =
        MessageApi.send(
                nodes.apiA,
                alice,
                conversationId,
                new JsonObject()
                    .put("content", "see the notes")
                    .put("attachment_ids", new JsonArray().add(fileId)))
            .body();
    assertThat(sent.getJsonArray("attachments").getJsonObject(0).getString("id")).isEqualTo(fileId);
    String messageId = sent.getString("id");

    Response member = filesB.download(bob, fileId);
    assertThat(member.status()).isEqualTo(200);
    assertThat(member.body().toString()).isEqualTo("shared notes");
    assertThat(filesA.download(stranger, fileId).status()).isEqualTo(404);
    assertThat(filesA.download(stranger, fileId).errorCode()).isEqualTo("not_found");

    // soft-deleting the message detaches its files: members lose access, the uploader keeps it
    assertThat(MessageApi.delete(nodes.apiB, alice, messageId).status()).isEqualTo(204);
    assertThat(filesB.download(bob, fileId).status()).isEqualTo(404);
    assertThat(filesB.download(alice, fileId).status()).isEqualTo(200);
  }

  @Test
  void aDeletedConversationSharesNothingButTheUploaderKeepsAccess() {
    String aliceId = env.newId("alice");
    String bobId = env.newId("bob");
    String alice = nodes.apiA.devToken(aliceId);
    String bob = nodes.apiB.devToken(bobId);
    String conversationId = nodes.apiA.createGroup(alice, "gone", List.of(bobId)).getString("id");
    String fileId = upload(alice, "plan.txt", text("plan"));
    MessageApi.send(
        nodes.apiA,
        alice,
        conversationId,
        new JsonObject()
            .put("content", "plan attached")
            .put("attachment_ids", new JsonArray().add(fileId)));
    assertThat(filesB.download(bob, fileId).status()).isEqualTo(200);

    assertThat(ConversationCalls.delete(nodes.apiB, alice, conversationId).status()).isEqualTo(204);

    assertThat(filesB.download(bob, fileId).status()).isEqualTo(404);
    assertThat(filesA.download(alice, fileId).status()).isEqualTo(200);
  }

  @Test
  void aFileOverTheLimitIsRefusedWhileItStreamsAndLeavesNothingBehind() throws IOException {
    String alice = nodes.apiA.devToken(env.newId("alice"));
    long rowsBefore = fileRows();
    List<String> filesBefore = storedFiles();
    Buffer body =
        FileClient.multipart(
            new Part("file", "big.bin", "application/octet-stream", randomBytes(LIMIT + 1)));

    // chunked: no declared length, so only counting the bytes as they arrive can catch it
    Response streamed =
        filesA.post(
            alice,
            "multipart/form-data; boundary=----parley-test-boundary-7MA4YWxkTrZu0gW",
            body,
            true);

    assertThat(streamed.status()).isEqualTo(413);
    assertThat(streamed.errorCode()).isEqualTo("too_large");
    assertThat(fileRows()).isEqualTo(rowsBefore);
    assertThat(storedFiles()).isEqualTo(filesBefore);

    // a declared length past the limit is refused before the body is read
    Response declared =
        filesA.upload(alice, new Part("file", "bigger.bin", null, randomBytes(4 * LIMIT)));
    assertThat(declared.status()).isEqualTo(413);
    assertThat(fileRows()).isEqualTo(rowsBefore);
    assertThat(storedFiles()).isEqualTo(filesBefore);

    // exactly at the limit is fine, and the connection pool still works after the refusals
    assertThat(
            filesA.upload(alice, new Part("file", "edge.bin", null, randomBytes(LIMIT))).status())
        .isEqualTo(201);
  }

  @Test
  void anUploadAbandonedMidwayLeavesNoPartialFileAndNoRow() throws IOException {
    String alice = nodes.apiA.devToken(env.newId("alice"));
    long rowsBefore = fileRows();
    List<String> filesBefore = storedFiles();
    Buffer whole = FileClient.multipart(new Part("file", "half.bin", null, randomBytes(LIMIT / 2)));

    filesA.abandonUpload(
        alice,
        whole.slice(0, whole.length() / 2),
        () -> {
          // the bytes reach the disk while the body is still arriving: it streams (an S3 upload
          // this small stays in the gateway's memory until its end, so nothing shows there)
          if (store.partialsVisible()) {
            Await.until(
                () -> partialFiles().isEmpty() ? null : Boolean.TRUE,
                System.nanoTime() + Duration.ofSeconds(10).toNanos(),
                () -> "no partial file appeared while the upload was open");
          }
        });

    Await.until(
        () -> partialFiles().isEmpty() ? Boolean.TRUE : null,
        System.nanoTime() + Duration.ofSeconds(10).toNanos(),
        () -> "partial files left behind: " + partialFiles());
    assertThat(storedFiles()).isEqualTo(filesBefore);
    assertThat(fileRows()).isEqualTo(rowsBefore);
  }

  private List<String> partialFiles() {
    return store.partials();
  }

  @Test
  void aBodyWithoutAFileFieldOrNotMultipartIsABadRequest() {
    String alice = nodes.apiA.devToken(env.newId("alice"));
    long rowsBefore = fileRows();

    Response wrongField =
        filesA.upload(alice, new Part("attachment", "a.txt", "text/plain", text("hello")));
    assertThat(wrongField.status()).isEqualTo(400);
    assertThat(wrongField.errorCode()).isEqualTo("invalid_argument");

    Response plainField =
        filesA.upload(alice, new Part("file", null, null, text("not a file part")));
    assertThat(plainField.status()).isEqualTo(400);

    Response json =
        filesA.post(alice, "application/json", Buffer.buffer("{\"file\":\"x\"}"), false);
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.errorCode()).isEqualTo("invalid_argument");
    assertThat(fileRows()).isEqualTo(rowsBefore);
  }

  @Test
  void aRowWhoseBytesAreGoneIsNotFoundRatherThanAnError() throws IOException {
    String alice = nodes.apiA.devToken(env.newId("alice"));
    String fileId = upload(alice, "lost.txt", text("soon gone"));
    store.delete(fileId);

    Response r = filesB.download(alice, fileId);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
  }

  @Test
  void anUploadWithoutATokenIsRefusedAndUnknownIdsAreNotFound() {
    Response noToken = filesA.upload(null, new Part("file", "a.txt", "text/plain", text("hello")));
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.errorCode()).isEqualTo("unauthenticated");

    String alice = nodes.apiA.devToken(env.newId("alice"));
    assertThat(filesA.download(alice, "AAAAAAAAAAAAAAAAAAAAAA").status()).isEqualTo(404);
    assertThat(filesA.download(alice, "..%2F..%2Fetc%2Fpasswd").status()).isEqualTo(404);
  }

  @Test
  void uploadsAreCountedInMetrics() {
    String alice = nodes.apiA.devToken(env.newId("alice"));
    upload(alice, "counted.txt", text("12345"));
    filesA.upload(alice, new Part("nope", "x", null, text("x")));

    String metrics =
        Cluster.await(
                WebClient.create(nodes.vertx).getAbs(nodes.cluster.baseUrl(0) + "/metrics").send())
            .bodyAsString();

    assertThat(metrics)
        .contains("parley_files_uploaded_bytes_total")
        .contains("parley_files_uploads_total")
        .containsPattern("parley_files_uploads_rejected_total\\{[^}]*reason=\"invalid\"");
  }
}
