package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import dev.parley.system.NatsRecorder.Received;
import dev.parley.testing.TestEnvironment;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an integrator sees and does with nothing but NATS and a service token: every durable event
 * of a conversation on {@code <prefix>.conv.<id>.events}, in seq order and byte for byte what a
 * WebSocket client gets; and sends as a bot over NATS request-reply or REST, through the same
 * durable, de-duplicated send path.
 */
class IntegratorsIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Cross-node delivery is promised within 2 s. */
  private static final Duration CROSS_NODE = Duration.ofSeconds(2);

  private static final String SECRET = "integrators-test-secret-0123456789abcdef";
  private static final String KEY_BOT = "keybot";
  private static final String KEY = "k".repeat(8) + "0123456789abcdef0123456789abcdef";

  private Connection integrator;
  private Subjects subjects;

  IntegratorsIntegrationTests(TestEnvironment env) {
    super(env, Map.of("PARLEY_JWT_SECRET", SECRET, "PARLEY_SERVICE_KEYS", KEY_BOT + "=" + KEY));
  }

  @BeforeAll
  void connectIntegrator() {
    integrator = env.newNatsConnection();
    subjects = env.nats().subjects();
  }

  @Test
  void messagesSentOnBothNodesReachTheEventsSubjectInSeqOrderExactlyAsAWebSocketClientGotThem() {
    Cast c = cast("relay");
    String conversationId = c.conversationId();

    try (NatsRecorder events =
            new NatsRecorder(integrator, subjects.conversationEvents(conversationId));
        WsClient bobOnB = onB(c.bobToken());
        WsClient carolOnA = onA(c.carolToken())) {
      int count = 20;
      for (int i = 0; i < count; i++) {
        Api.Reply r =
            i % 2 == 0
                ? nodes.apiA.send(c.aliceToken(), conversationId, "a" + i, null)
                : nodes.apiB.send(c.bobToken(), conversationId, "b" + i, null);
        assertThat(r.status()).isEqualTo(201);
      }

      List<Received> relayed = events.await(r -> "message.new".equals(r.type()), count, WAIT);
      List<JsonObject> seen =
          bobOnB.await(f -> "message.new".equals(f.getString("type")), count, WAIT);

      Long previous = null;
      for (int i = 0; i < count; i++) {
        Received r = relayed.get(i);
        long seq = r.data().getLong("seq");
        assertThat(r.data().getLong("prev_seq"))
            .as("prev_seq chains the messages")
            .isEqualTo(previous);
        assertThat(previous == null || seq > previous).as("seq order").isTrue();
        assertThat(r.parleySeq()).as("the Parley-Seq header").isEqualTo(seq);
        assertThat(r.json()).as("the same event a WebSocket client got").isEqualTo(seen.get(i));
        assertThat(r.text()).as("byte for byte").isEqualTo(seen.get(i).encode());
        previous = seq;
      }
      // conversation.created may come too (the relay can still be on it when the subscription
      // starts)
      assertThat(events.matching(r -> !"conversation.created".equals(r.type())))
          .as("nothing else, nothing twice")
          .hasSize(count);
      assertThat(events.all())
          .extracting(Received::parleySeq)
          .as("Parley-Seq only grows")
          .isSorted()
          .doesNotHaveDuplicates();
      assertThat(carolOnA.framesOfType("message.new"))
          .as("a non-member's connection gets nothing")
          .isEmpty();
    }
  }

  @Test
  void durableEventsComeThroughAsTheyAreInSeqOrderWithTheMessages() {
    String dave = env.newId("dave");
    String erin = env.newId("erin");
    String daveToken = nodes.apiA.devToken(dave);
    String erinToken = nodes.apiA.devToken(erin);

    try (NatsRecorder everything = new NatsRecorder(integrator, subjects.allConversationEvents());
        WsClient erinOnB = onB(erinToken)) {
      String conversationId =
          nodes.apiA.createGroup(daveToken, "events", List.of(erin)).getString("id");
      assertThat(nodes.apiA.send(daveToken, conversationId, "after the creation", null).status())
          .isEqualTo(201);

      String subject = subjects.conversationEvents(conversationId);
      List<Received> relayed = everything.await(r -> r.subject().equals(subject), 2, WAIT);
      assertThat(relayed)
          .extracting(Received::type)
          .containsExactly("conversation.created", "message.new");
      assertThat(relayed.get(0).parleySeq()).isPositive().isLessThan(relayed.get(1).parleySeq());
      assertThat(relayed.get(1).data().getLong("seq")).isEqualTo(relayed.get(1).parleySeq());

      JsonObject created =
          erinOnB.awaitOne(f -> "conversation.created".equals(f.getString("type")), WAIT);
      assertThat(relayed.get(0).json())
          .as("the event payload as WebSocket clients get it")
          .isEqualTo(created);
    }
  }

  @Test
  void aBotSendsOverNatsWithAServiceJwtAndAResendReturnsTheSameMessage() throws Exception {
    String bot = env.newId("ci-bot");
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiA.devToken(bob);
    String carolToken = nodes.apiA.devToken(env.newId("carol"));
    String conversationId =
        nodes.apiA.createGroup(aliceToken, "bots", List.of(bob, bot)).getString("id");
    String jwt = serviceJwt(bot, SECRET, 600);

    try (NatsRecorder events =
            new NatsRecorder(integrator, subjects.conversationEvents(conversationId));
        WsClient bobOnB = onB(bobToken);
        WsClient carolOnB = onB(carolToken)) {
      JsonObject first =
          request(
              new JsonObject()
                  .put("token", jwt)
                  .put("conversation_id", conversationId)
                  .put("content", "build #512 passed")
                  .put("client_msg_id", "b-1"),
              null);
      assertThat(first.getBoolean("created")).isTrue();
      JsonObject stored = first.getJsonObject("message");
      assertThat(stored.getString("sender_id")).isEqualTo(bot);
      assertThat(stored.getString("content")).isEqualTo("build #512 passed");
      assertThat(stored.getLong("seq")).isPositive();

      JsonObject onB = bobOnB.awaitOne(f -> "message.new".equals(f.getString("type")), CROSS_NODE);
      assertThat(onB.getJsonObject("data")).isEqualTo(stored);

      JsonObject again =
          request(
              new JsonObject()
                  .put("token", jwt)
                  .put("conversation_id", conversationId)
                  .put("content", "ignored on a resend")
                  .put("client_msg_id", "b-1"),
              null);
      assertThat(again.getBoolean("created")).isFalse();
      // the original (created_at may come back at Postgres' microsecond precision once stored)
      assertThat(again.getJsonObject("message").getString("id")).isEqualTo(stored.getString("id"));
      assertThat(again.getJsonObject("message").getLong("seq")).isEqualTo(stored.getLong("seq"));
      assertThat(again.getJsonObject("message").getString("content"))
          .isEqualTo("build #512 passed");

      // the token may travel in a header instead of the body
      Headers headers = new Headers().put("Authorization", "Bearer " + jwt);
      JsonObject viaHeader =
          request(
              new JsonObject().put("conversation_id", conversationId).put("content", "second"),
              headers);
      assertThat(viaHeader.getBoolean("created")).isTrue();
      assertThat(viaHeader.getJsonObject("message").getLong("prev_seq"))
          .isEqualTo(stored.getLong("seq"));

      bobOnB.await(f -> "message.new".equals(f.getString("type")), 2, CROSS_NODE);
      assertThat(bobOnB.framesOfType("message.new")).as("the resend stored nothing").hasSize(2);
      assertThat(events.await(r -> "message.new".equals(r.type()), 2, WAIT))
          .extracting(r -> r.data().getString("id"))
          .containsExactly(
              stored.getString("id"), viaHeader.getJsonObject("message").getString("id"));
      assertThat(carolOnB.framesOfType("message.new"))
          .as("a non-member's connection gets nothing")
          .isEmpty();
    }
  }

  @Test
  void aBotSendsOverRestWithAServiceJwtOrAConfiguredKey() {
    String jwtBot = env.newId("jwt-bot");
    String alice = env.newId("alice");
    String bob = env.newId("bob");
    String aliceToken = nodes.apiA.devToken(alice);
    String bobToken = nodes.apiA.devToken(bob);
    String conversationId =
        nodes
            .apiA
            .createGroup(aliceToken, "rest bots", List.of(bob, jwtBot, KEY_BOT))
            .getString("id");

    try (WsClient bobOnB = onB(bobToken)) {
      Api.Reply byJwt =
          nodes.apiA.send(
              serviceJwt(jwtBot, SECRET, 600), conversationId, "via a service JWT", "r-1");
      assertThat(byJwt.status()).isEqualTo(201);
      assertThat(byJwt.body().getString("sender_id")).isEqualTo(jwtBot);

      Api.Reply byKey = nodes.apiA.send(KEY, conversationId, "via a service key", "r-1");
      assertThat(byKey.status()).isEqualTo(201);
      assertThat(byKey.body().getString("sender_id")).isEqualTo(KEY_BOT);
      assertThat(byKey.body().getLong("prev_seq")).isEqualTo(byJwt.body().getLong("seq"));

      Api.Reply resend = nodes.apiB.send(KEY, conversationId, "ignored", "r-1");
      assertThat(resend.status()).as("the same client_msg_id on the other node").isEqualTo(200);
      assertThat(resend.body().getString("id")).isEqualTo(byKey.body().getString("id"));
      assertThat(resend.body().getLong("seq")).isEqualTo(byKey.body().getLong("seq"));
      assertThat(resend.body().getString("content")).isEqualTo("via a service key");

      List<JsonObject> seen =
          bobOnB.await(f -> "message.new".equals(f.getString("type")), 2, CROSS_NODE);
      assertThat(seen)
          .extracting(f -> f.getJsonObject("data").getString("sender_id"))
          .containsExactly(jwtBot, KEY_BOT);

      // a key is a credential for its bot on other routes too: history reads as the bot
      Api.Reply history = nodes.apiB.history(KEY, conversationId, null);
      assertThat(history.status()).isEqualTo(200);
      assertThat(history.body().getJsonArray("items")).hasSize(2);
    }
  }

  @Test
  void aBotThatIsNotAMemberGetsNotFound() throws Exception {
    String alice = env.newId("alice");
    String aliceToken = nodes.apiA.devToken(alice);
    String conversationId =
        nodes.apiA.createGroup(aliceToken, "private", List.of()).getString("id");

    JsonObject overNats =
        request(
            new JsonObject()
                .put("token", serviceJwt(env.newId("outsider"), SECRET, 600))
                .put("conversation_id", conversationId)
                .put("content", "let me in"),
            null);
    assertError(overNats, "not_found");
    assertError(
        request(
            new JsonObject()
                .put("token", KEY)
                .put("conversation_id", conversationId)
                .put("content", "hi"),
            null),
        "not_found");

    Api.Reply overRest = nodes.apiB.send(KEY, conversationId, "let me in", null);
    assertThat(overRest.status()).isEqualTo(404);
    assertThat(overRest.body().getJsonObject("error").getString("code")).isEqualTo("not_found");
    assertThat(nodes.apiA.history(aliceToken, conversationId, null).body().getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void badTokensAreUnauthenticatedAndAUserTokenIsNoServiceToken() throws Exception {
    String bot = env.newId("bot");
    String alice = env.newId("alice");
    String aliceToken = nodes.apiA.devToken(alice);
    String conversationId =
        nodes.apiA.createGroup(aliceToken, "guarded", List.of(bot)).getString("id");
    JsonObject send = new JsonObject().put("conversation_id", conversationId).put("content", "hi");

    assertError(request(send.copy().put("token", "garbage"), null), "unauthenticated");
    assertError(request(send.copy(), null), "unauthenticated");
    assertError(
        request(send.copy().put("token", serviceJwt(bot, SECRET, -3600)), null), "unauthenticated");
    assertError(
        request(
            send.copy()
                .put("token", serviceJwt(bot, "another-secret-of-enough-length-0123456", 600)),
            null),
        "unauthenticated");
    assertError(request(send.copy().put("token", KEY + "x"), null), "unauthenticated");
    assertError(request(send.copy().put("token", aliceToken), null), "forbidden");

    Api.Reply wrongKey = nodes.apiA.send(KEY.substring(1), conversationId, "hi", null);
    assertThat(wrongKey.status()).isEqualTo(401);
    assertThat(wrongKey.body().getJsonObject("error").getString("code"))
        .isEqualTo("unauthenticated");

    String jwt = serviceJwt(bot, SECRET, 600);
    assertError(requestRaw("not json".getBytes(StandardCharsets.UTF_8), null), "invalid_argument");
    assertError(
        request(new JsonObject().put("token", jwt).put("content", "no conversation"), null),
        "invalid_argument");
    assertError(
        request(send.copy().put("token", jwt).put("content", ""), null), "invalid_argument");
    assertError(
        request(send.copy().put("token", jwt).put("content", "x".repeat(16 * 1024 + 1)), null),
        "too_large");
    assertError(
        request(send.copy().put("token", jwt).put("content", "nul\u0000inside"), null),
        "invalid_argument");
    assertError(
        requestRaw(
            AsciiJson.encode(send.copy().put("token", jwt).put("content", "\ud800"))
                .getBytes(StandardCharsets.US_ASCII),
            null),
        "invalid_argument");
    byte[] latin1 =
        send.copy()
            .put("token", jwt)
            .put("content", "caf\u00e9")
            .encode()
            .getBytes(StandardCharsets.ISO_8859_1);
    assertError(requestRaw(latin1, null), "invalid_argument");
    assertThat(nodes.apiA.history(aliceToken, conversationId, null).body().getJsonArray("items"))
        .as("nothing was sent")
        .isEmpty();
    assertThat(nodes.apiA.call(HttpMethod.GET, "/api/v1/conversations", aliceToken, null).status())
        .isEqualTo(200);
  }

  private JsonObject request(JsonObject body, Headers headers) throws Exception {
    return requestRaw(body.encode().getBytes(StandardCharsets.UTF_8), headers);
  }

  private JsonObject requestRaw(byte[] body, Headers headers) throws Exception {
    Message reply = integrator.request(subjects.apiMessagesSend(), headers, body, WAIT);
    assertThat(reply).as("a gateway answered").isNotNull();
    return new JsonObject(new String(reply.getData(), StandardCharsets.UTF_8));
  }

  private static void assertError(JsonObject reply, String code) {
    assertThat(reply.containsKey("message")).as("no message in %s", reply).isFalse();
    assertThat(reply.getJsonObject("error").getString("code")).as("%s", reply).isEqualTo(code);
    assertThat(reply.getJsonObject("error").getString("message")).isNotBlank();
  }

  /** A service token: {@code "service": true}, {@code sub} = the bot. */
  private String serviceJwt(String bot, String secret, long ttlSeconds) {
    JWTAuth auth =
        JWTAuth.create(
            nodes.vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    long now = System.currentTimeMillis() / 1000;
    return auth.generateToken(
        new JsonObject().put("sub", bot).put("service", true).put("exp", now + ttlSeconds),
        new JWTOptions().setAlgorithm("HS256"));
  }
}
