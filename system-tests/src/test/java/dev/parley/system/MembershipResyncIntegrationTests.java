package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import io.nats.client.api.PublishAck;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Node B learns of a removal without its core-NATS notice: from the stream's durable {@code
 * member.removed}, delivered to a node that subscribes the conversation; and after a NATS
 * reconnect, which drops B's membership cache and reads every subscribed conversation back from
 * the stream (the republished copies sent while B was away never arrive). The cache TTL is 10
 * minutes here, so only those two can make B refuse the removed user in time.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MembershipResyncIntegrationTests {
  private static final Duration SOON = Duration.ofSeconds(3);

  /** B's NATS client retries every second (with jitter): reconnected within a few. */
  private static final Duration AFTER_RECONNECT = Duration.ofSeconds(8);

  private final TestEnvironment env;
  private Vertx vertx;
  private TcpProxy natsProxy;
  private Cluster cluster;
  private Api apiA;
  private Api apiB;
  private Pool pool;

  MembershipResyncIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    URI nats = URI.create(env.nats().url());
    natsProxy = Cluster.await(TcpProxy.start(vertx, nats.getHost(), nats.getPort()));
    cluster = Cluster.start(env, Map.of("PARLEY_MEMBERSHIP_CACHE_TTL", "10m"), 1, true);
    cluster.startGateway(
        "gateway-2",
        Map.of("PARLEY_NATS_URL", "nats://" + natsProxy.host() + ":" + natsProxy.port()));
    apiA = new Api(vertx, cluster.baseUrl(0));
    apiB = new Api(vertx, cluster.baseUrl(1));
    pool = env.pgPool(vertx);
  }

  @AfterAll
  void stop() {
    apiA.close();
    apiB.close();
    cluster.close();
    Cluster.await(natsProxy.close());
    Cluster.await(vertx.close());
  }

  @Test
  void aNodeSubscribedToTheConversationDropsTheRemovedMemberOnTheStreamsEvent() throws Exception {
    Cast cast = Cast.of(apiA, env, "stream event", false);
    try (WsClient aliceOnB =
        WsClient.connect(vertx, cluster.gateway(1).port(), cast.aliceToken())) {
      assertThat(apiB.send(cast.bobToken(), cast.conversationId(), "before", null).status())
          .isEqualTo(201);

      // a removal as a gateway makes it, whose notice is lost: the row goes, the event goes to the
      // stream
      Cluster.await(
          pool.preparedQuery("DELETE FROM members WHERE conversation_id = $1 AND user_id = $2")
              .execute(Tuple.of(cast.conversationId(), cast.bob())));
      Subjects subjects = env.nats().subjects();
      JsonObject event =
          Frames.event(
              EventType.MEMBER_REMOVED,
              new JsonObject()
                  .put("conversation_id", cast.conversationId())
                  .put("user_id", cast.bob()));
      PublishAck ack =
          env.natsConnection()
              .jetStream()
              .publish(
                  subjects.streamEvents(cast.conversationId()),
                  event.encode().getBytes(StandardCharsets.UTF_8));
      long published = System.nanoTime();
      aliceOnB.awaitOne(
          ConversationCalls.event(EventType.MEMBER_REMOVED, cast.conversationId()), SOON);

      int status =
          Await.until(
              () -> {
                int s = apiB.send(cast.bobToken(), cast.conversationId(), "after", null).status();
                return s == 201 ? null : s;
              },
              published + SOON.toNanos(),
              () ->
                  "bob's sends on B still accepted after the stream's member.removed (seq "
                      + ack.getSeqno()
                      + ")");
      assertThat(status).isEqualTo(404);
      System.out.printf(
          "member.removed from the stream, notice lost: B refused the send after %d ms%n",
          (System.nanoTime() - published) / 1_000_000);
    }
  }

  @Test
  void afterANatsReconnectTheNodeRefusesARemovalMadeMeanwhileAndDeliversWhatItMissedOnceInOrder() {
    Cast cast = Cast.of(apiA, env, "reconnect", false);
    try (WsClient aliceOnB =
        WsClient.connect(vertx, cluster.gateway(1).port(), cast.aliceToken())) {
      JsonObject before = MessageApi.sent(apiB, cast.bobToken(), cast.conversationId(), "before");
      aliceOnB.awaitOne(ConversationCalls.message(cast.conversationId(), "before"), SOON);

      Cluster.await(natsProxy.cut());
      Await.until(
          () -> apiB.call(HttpMethod.GET, "/ready", null, null).status() == 503 ? true : null,
          System.nanoTime() + SOON.toNanos(),
          () -> "B still ready with its NATS connection cut");
      // while B is away: bob removed on A (its notice, and every republished copy, never reach B)
      assertThat(
              ConversationCalls.removeMember(
                      apiA, cast.aliceToken(), cast.conversationId(), cast.bob())
                  .status())
          .isEqualTo(204);
      List<String> contents = List.of("missed 1", "missed 2", "missed 3");
      for (String content : contents) {
        assertThat(apiA.send(cast.aliceToken(), cast.conversationId(), content, null).status())
            .isEqualTo(201);
      }
      natsProxy.restore();
      long restored = System.nanoTime();

      int status =
          Await.until(
              () -> {
                int s = apiB.send(cast.bobToken(), cast.conversationId(), "after", null).status();
                return s == 201 || s == 503 ? null : s;
              },
              restored + AFTER_RECONNECT.toNanos(),
              () -> "bob's sends on B still accepted after B reconnected");
      assertThat(status).isEqualTo(404);
      long refusedMillis = (System.nanoTime() - restored) / 1_000_000;

      aliceOnB.awaitOne(
          ConversationCalls.message(cast.conversationId(), "missed 3"), AFTER_RECONNECT);
      aliceOnB.awaitOne(
          ConversationCalls.event(EventType.MEMBER_REMOVED, cast.conversationId()), SOON);
      List<JsonObject> messages =
          aliceOnB.framesOfType("message.new").stream()
              .map(f -> f.getJsonObject("data"))
              .filter(m -> cast.conversationId().equals(m.getString("conversation_id")))
              .toList();
      List<String> texts =
          messages.stream()
              .filter(m -> !"system".equals(m.getString("type")))
              .map(m -> m.getString("content"))
              .toList();
      assertThat(texts)
          .as("every message once, in order")
          .containsExactly("before", "missed 1", "missed 2", "missed 3");
      Long prev = null;
      for (JsonObject m : messages) {
        if (prev != null) {
          assertThat(m.getLong("prev_seq")).as("a gapless prev_seq chain").isEqualTo(prev);
        }
        prev = m.getLong("seq");
      }
      assertThat(messages.get(0).getLong("seq")).isEqualTo(before.getLong("seq"));
      assertThat(aliceOnB.framesOfType(EventType.MEMBER_REMOVED)).hasSize(1);
      System.out.printf(
          "NATS cut on B, bob removed and 3 messages sent meanwhile: after the reconnect B refused bob after %d ms"
              + " and alice's connection on B got the removal's system message and the %d missed messages once each, in order%n",
          refusedMillis, contents.size());
    }
  }
}
