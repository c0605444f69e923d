package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.system.FileClient.Part;
import dev.parley.system.FileClient.Response;
import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The sweep (PARLEY_FILES_SWEEP_AGE, here 5 s; both gateways sweep every 300 ms, sharing the
 * store) deletes the row and the bytes of every file no live message uses; a file attached to a
 * live message stays. The quota counts stored files only. Run on each {@link FileStoreUnderTest}.
 */
abstract class FileSweepBehaviour extends OnTwoNodes {
  static final Duration AGE = Duration.ofSeconds(5);
  private static final long QUOTA = 2500;
  final FileStoreUnderTest store;
  private FileClient files;

  FileSweepBehaviour(TestEnvironment env, FileStoreUnderTest store) {
    super(env, settings(store));
    this.store = store;
  }

  private static Map<String, String> settings(FileStoreUnderTest store) {
    Map<String, String> settings = new HashMap<>(store.settings());
    settings.put("PARLEY_FILES_SWEEP_AGE", AGE.toSeconds() + "s");
    settings.put("PARLEY_FILES_SWEEP_INTERVAL", "300ms");
    settings.put("PARLEY_MAX_UPLOAD_BYTES", "1500");
    settings.put("PARLEY_FILES_QUOTA_BYTES", Long.toString(QUOTA));
    return settings;
  }

  @AfterAll
  void closeFiles() throws Exception {
    if (files != null) {
      files.close();
    }
    store.close();
  }

  private String upload(String token, int size) {
    if (files == null) {
      files = new FileClient(nodes.vertx, nodes.cluster.gateway(0).port());
    }
    Response r =
        files.upload(
            token,
            new Part("file", "f.bin", "application/octet-stream", Buffer.buffer(new byte[size])));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private boolean hasRow(String fileId) {
    return Cluster.await(
                pool().preparedQuery("SELECT 1 FROM files WHERE id = $1").execute(Tuple.of(fileId)))
            .size()
        > 0;
  }

  private boolean hasBytes(String fileId) {
    return store.objects().contains(fileId);
  }

  private String sendWith(Cast c, String fileId) {
    Api.Reply sent =
        MessageApi.send(
            nodes.apiA,
            c.aliceToken(),
            c.conversationId(),
            new JsonObject()
                .put("content", "see file")
                .put("attachment_ids", new JsonArray().add(fileId)));
    assertThat(sent.status()).as("%s", sent.body()).isEqualTo(201);
    // stored by the worker (the attachment row with it) well before the file is old enough to sweep
    Await.until(
        () ->
            Cluster.await(
                            pool()
                                .preparedQuery("SELECT 1 FROM attachments WHERE file_id = $1")
                                .execute(Tuple.of(fileId)))
                        .size()
                    > 0
                ? true
                : null,
        System.nanoTime() + Duration.ofSeconds(3).toNanos(),
        () -> "file " + fileId + " not attached");
    return sent.body().getString("id");
  }

  static void awaitGone(String what, Supplier<Boolean> gone) {
    Await.until(
        () -> gone.get() ? true : null,
        System.nanoTime() + AGE.plusSeconds(10).toNanos(),
        () -> what + " is still there");
  }

  double partialsSwept() {
    return nodes
            .cluster
            .gateway(0)
            .registry()
            .get("parley_files_partials_swept_total")
            .counter()
            .count()
        + nodes
            .cluster
            .gateway(1)
            .registry()
            .get("parley_files_partials_swept_total")
            .counter()
            .count();
  }

  private double sweptFiles() {
    return nodes.cluster.gateway(0).registry().get("parley_files_swept_total").counter().count()
        + nodes.cluster.gateway(1).registry().get("parley_files_swept_total").counter().count();
  }

  @Test
  void filesNoLiveMessageUsesAreSweptAfterTheAgeAndAnAttachedOneStays() {
    double sweptBefore = sweptFiles();
    Cast c = cast("sweep");
    String kept = upload(c.aliceToken(), 100);
    String neverAttached = upload(c.aliceToken(), 101);
    String detachedByDelete = upload(c.aliceToken(), 102);
    sendWith(c, kept);
    String deleted = sendWith(c, detachedByDelete);
    assertThat(MessageApi.delete(nodes.apiB, c.aliceToken(), deleted).status()).isEqualTo(204);

    Cast gone = cast("deleted conversation");
    String inDeletedConversation = upload(gone.aliceToken(), 103);
    sendWith(gone, inDeletedConversation);
    assertThat(
            nodes
                .apiB
                .call(
                    HttpMethod.DELETE,
                    "/api/v1/conversations/" + gone.conversationId(),
                    gone.aliceToken(),
                    null)
                .status())
        .isEqualTo(204);

    for (String fileId : new String[] {neverAttached, detachedByDelete, inDeletedConversation}) {
      awaitGone("file " + fileId, () -> !hasRow(fileId) && !hasBytes(fileId));
    }
    // counted once the bytes are gone, a moment after the file disappears
    awaitGone("the swept files' count", () -> sweptFiles() - sweptBefore >= 3);
    assertThat(hasRow(kept)).as("attached to a live message").isTrue();
    assertThat(hasBytes(kept)).isTrue();
    try (FileClient onB = new FileClient(nodes.vertx, nodes.cluster.gateway(1).port())) {
      assertThat(onB.download(c.bobToken(), kept).status())
          .as("bob downloads it on the other node")
          .isEqualTo(200);
    }
  }

  @Test
  void theQuotaCountsStoredFilesAndASweptFileStopsCounting() {
    String dan = env.newId("dan");
    String token = nodes.apiA.devToken(dan);
    String first = upload(token, 1500);
    Response over =
        files.upload(token, new Part("file", "f.bin", null, Buffer.buffer(new byte[1001])));
    assertThat(over.status()).isEqualTo(413);
    assertThat(over.errorCode()).isEqualTo("too_large");
    upload(token, 1000); // exactly the quota

    awaitGone("file " + first, () -> !hasRow(first));
    upload(token, 1500);
  }
}
