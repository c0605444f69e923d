package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.system.FileClient.Part;
import dev.parley.system.FileClient.Response;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Per-user limits hold across the cluster (the buckets live in Redis), and every costly action has
 * one: edits, reactions (and distinct emoji per message), read receipts, typing frames, group
 * creation, member adds and uploaded bytes, each lowered here so a test reaches it.
 */
class SharedRateLimitsIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final int BURST = 10;
  private FileClient filesA;
  private FileClient filesB;

  SharedRateLimitsIntegrationTests(TestEnvironment env) {
    super(
        env,
        Map.ofEntries(
            Map.entry("PARLEY_SEND_RATE_PER_SECOND", "1"),
            Map.entry("PARLEY_SEND_BURST", Integer.toString(BURST)),
            Map.entry("PARLEY_EDIT_LIMIT", "2/1h"),
            Map.entry("PARLEY_REACTION_LIMIT", "3/1h"),
            Map.entry("PARLEY_MAX_DISTINCT_REACTIONS", "2"),
            Map.entry("PARLEY_READ_LIMIT", "2/1h"),
            Map.entry("PARLEY_TYPING_LIMIT", "2/1h"),
            Map.entry("PARLEY_GROUP_CREATE_LIMIT", "3/1h"),
            Map.entry("PARLEY_MEMBER_ADD_LIMIT", "2/1h"),
            Map.entry("PARLEY_MAX_UPLOAD_BYTES", "1500"),
            Map.entry("PARLEY_UPLOAD_BYTES_PER_HOUR", "3000"),
            Map.entry("PARLEY_FILES_DIR", tempDir())));
  }

  private static String tempDir() {
    try {
      return Files.createTempDirectory("parley-limits-").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private FileClient files(int node) {
    if (filesA == null) {
      filesA = new FileClient(nodes.vertx, nodes.cluster.gateway(0).port());
      filesB = new FileClient(nodes.vertx, nodes.cluster.gateway(1).port());
    }
    return node == 0 ? filesA : filesB;
  }

  @AfterAll
  void closeFiles() {
    if (filesA != null) {
      filesA.close();
      filesB.close();
    }
  }

  private static void assertRateLimited(Api.Reply reply) {
    assertThat(reply.status()).as("%s", reply.body()).isEqualTo(429);
    assertThat(reply.body().getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(Long.parseLong(reply.headers().get("Retry-After"))).isPositive();
  }

  @Test
  void sixtySendsAtOnceSpreadOverBothNodesGetTheBurstOnceNotOncePerNode() throws Exception {
    Cast c = cast("at once");
    ExecutorService callers = Executors.newFixedThreadPool(60);
    try {
      long started = System.nanoTime();
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        Api api = i % 2 == 0 ? nodes.apiA : nodes.apiB;
        String content = "burst " + i;
        statuses.add(
            callers.submit(
                () -> api.send(c.aliceToken(), c.conversationId(), content, null).status()));
      }
      int accepted = 0;
      for (Future<Integer> status : statuses) {
        int s = status.get();
        assertThat(s).isIn(201, 429);
        accepted += s == 201 ? 1 : 0;
      }
      long seconds = (long) Math.ceil((System.nanoTime() - started) / 1e9);
      // per node buckets would accept 2 x BURST; shared ones the burst, plus one a second while
      // this ran
      assertThat(accepted).isBetween(BURST, BURST + (int) seconds);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void editsPastTheirLimitAre429OnEitherNode() {
    Cast c = cast("edits");
    String id =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "v0").getString("id");
    assertThat(MessageApi.edit(nodes.apiA, c.aliceToken(), id, "v1").status()).isEqualTo(200);
    assertThat(MessageApi.edit(nodes.apiB, c.aliceToken(), id, "v2").status()).isEqualTo(200);
    assertRateLimited(MessageApi.edit(nodes.apiA, c.aliceToken(), id, "v3"));
    assertRateLimited(MessageApi.edit(nodes.apiB, c.aliceToken(), id, "v3"));
    assertThat(
            MessageApi.inHistory(nodes.apiA, c.aliceToken(), c.conversationId(), id)
                .getString("content"))
        .isEqualTo("v2");
  }

  @Test
  void reactionsPastTheirLimitAre429AndANewEmojiPastTheDistinctCapIs409() {
    Cast c = cast("reactions");
    String id =
        MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "react to me")
            .getString("id");
    assertThat(MessageApi.react(nodes.apiA, c.aliceToken(), id, "👍").status()).isEqualTo(201);
    assertThat(MessageApi.react(nodes.apiB, c.bobToken(), id, "🎉").status()).isEqualTo(201);
    Api.Reply third = MessageApi.react(nodes.apiA, c.aliceToken(), id, "🔥");
    assertThat(third.status()).as("a third distinct emoji on one message").isEqualTo(409);
    assertThat(third.body().getJsonObject("error").getString("code")).isEqualTo("conflict");
    assertThat(MessageApi.react(nodes.apiB, c.bobToken(), id, "👍").status())
        .as("joining an emoji already there")
        .isEqualTo(201);
    // the refused one took one of alice's 3 tokens too: it reached the database
    assertThat(MessageApi.react(nodes.apiB, c.aliceToken(), id, "🎉").status()).isEqualTo(201);
    assertRateLimited(MessageApi.react(nodes.apiA, c.aliceToken(), id, "👍"));
  }

  @Test
  void readReceiptsPastTheirLimitAre429OnRestAndRateLimitedOnWebSocket() {
    Cast c = cast("reads");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "m" + i).getString("id"));
    }
    assertThat(MessageApi.read(nodes.apiA, c.bobToken(), ids.get(0)).status()).isEqualTo(204);
    assertThat(MessageApi.read(nodes.apiB, c.bobToken(), ids.get(1)).status()).isEqualTo(204);
    assertRateLimited(MessageApi.read(nodes.apiA, c.bobToken(), ids.get(2)));
    try (WsClient bobOnB = onB(c.bobToken())) {
      bobOnB.send(
          new JsonObject()
              .put("type", "message.read")
              .put("id", "r3")
              .put(
                  "data",
                  new JsonObject()
                      .put("conversation_id", c.conversationId())
                      .put("message_id", ids.get(2))));
      assertWsRateLimited(bobOnB, "r3");
    }
  }

  @Test
  void typingFramesPastTheirLimitGetRateLimited() {
    Cast c = cast("typing");
    try (WsClient aliceOnA = onA(c.aliceToken());
        WsClient aliceOnB = onB(c.aliceToken())) {
      aliceOnA.send(typing("typing.start", "t1", c.conversationId()));
      aliceOnB.send(typing("typing.stop", "t2", c.conversationId()));
      assertThat(aliceOnA.awaitOne(f -> "t1".equals(f.getString("id")), WAIT).getString("type"))
          .isEqualTo("ack");
      assertThat(aliceOnB.awaitOne(f -> "t2".equals(f.getString("id")), WAIT).getString("type"))
          .isEqualTo("ack");
      aliceOnA.send(typing("typing.start", "t3", c.conversationId()));
      assertWsRateLimited(aliceOnA, "t3");
      assertThat(aliceOnA.closeCode()).isNull();
    }
  }

  @Test
  void groupCreationAndMemberAddsPastTheirLimitsAre429() {
    String dan = env.newId("dan");
    String danToken = nodes.apiA.devToken(dan);
    List<String> others = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      others.add(env.newId("other"));
      nodes.apiB.devToken(others.get(i));
    }
    String first = nodes.apiA.createGroup(danToken, "g1", List.of()).getString("id");
    nodes.apiB.createGroup(danToken, "g2", List.of());
    nodes.apiA.createGroup(danToken, "g3", List.of());
    assertRateLimited(
        nodes.apiB.call(
            HttpMethod.POST,
            "/api/v1/conversations",
            danToken,
            new JsonObject().put("type", "group").put("name", "g4")));

    assertThat(ConversationCalls.addMember(nodes.apiA, danToken, first, others.get(0)).status())
        .isEqualTo(201);
    assertThat(ConversationCalls.addMember(nodes.apiB, danToken, first, others.get(1)).status())
        .isEqualTo(201);
    assertRateLimited(ConversationCalls.addMember(nodes.apiA, danToken, first, others.get(2)));
  }

  @Test
  void uploadedBytesPastTheHourlyAllowanceAre429AndStoreNothing() throws IOException {
    String erin = env.newId("erin");
    String token = nodes.apiA.devToken(erin);
    assertThat(files(0).upload(token, file(1500)).status()).isEqualTo(201);
    assertThat(files(1).upload(token, file(1400)).status()).isEqualTo(201);
    Response over = files(0).upload(token, file(200));
    assertThat(over.status()).isEqualTo(429);
    assertThat(over.errorCode()).isEqualTo("rate_limited");
    // 100 bytes short at 3,000 an hour: two minutes
    assertThat(Long.parseLong(over.headers().get("Retry-After"))).isBetween(100L, 130L);
    long stored =
        Cluster.await(
                pool()
                    .preparedQuery("SELECT count(*) FROM files WHERE uploader_id = $1")
                    .execute(Tuple.of(erin)))
            .iterator()
            .next()
            .getLong(0);
    assertThat(stored).isEqualTo(2);
  }

  private static Part file(int size) {
    return new Part("file", "f.bin", "application/octet-stream", Buffer.buffer(new byte[size]));
  }

  private static JsonObject typing(String type, String id, String conversationId) {
    return new JsonObject()
        .put("type", type)
        .put("id", id)
        .put("data", new JsonObject().put("conversation_id", conversationId));
  }

  private static void assertWsRateLimited(WsClient ws, String frameId) {
    JsonObject error = ws.awaitOne(f -> frameId.equals(f.getString("id")), WAIT);
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getJsonObject("data").getString("code")).isEqualTo("rate_limited");
    assertThat(error.getJsonObject("data").getLong("retry_after_ms")).isPositive();
  }
}
