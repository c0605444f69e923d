package dev.parley.gateway.integrators;

import dev.parley.contract.Subjects;
import dev.parley.gateway.auth.BearerTokens;
import dev.parley.gateway.auth.TokenVerifier;
import dev.parley.gateway.auth.UserDirectory;
import dev.parley.gateway.failure.Answer;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.messages.SendRequest;
import dev.parley.gateway.messages.SendService;
import dev.parley.gateway.text.TextRules;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bots send without a WebSocket: NATS request-reply on {@code <prefix>.api.messages.send}. Every
 * gateway subscribes in one queue group, so each request is served once, by whichever gateway
 * NATS picks. The request carries a service token and the fields of {@code POST …/messages}; the
 * send takes the one send path ({@link SendService}: membership, stream first, de-duplicated by
 * {@code client_msg_id}) and the reply is {@code {"message":{…},"created":bool}} or
 * {@code {"error":{"code","message"}}}.
 *
 * <p>The NATS dispatcher thread only copies the request and hands it to a Vert.x context: the send
 * itself never runs on, nor blocks, the dispatcher.
 */
public final class NatsSendEndpoint {
  private static final Logger log = LoggerFactory.getLogger(NatsSendEndpoint.class);

  /** The queue group every gateway joins on the send subject. */
  public static final String QUEUE_GROUP = "parley-gateways";

  /** A request may carry its token in this header instead of the body: {@code Authorization: Bearer <token>}. */
  public static final String AUTHORIZATION = "Authorization";

  private final Context ctx;
  private final Connection nc;
  private final Subjects subjects;
  private final TokenVerifier verifier;
  private final UserDirectory users;
  private final SendService sends;
  private final int maxContentBytes;
  private final MeterRegistry registry;
  private final Timer latency;
  private Dispatcher dispatcher;

  public NatsSendEndpoint(
      Context ctx,
      Connection nc,
      Subjects subjects,
      TokenVerifier verifier,
      UserDirectory users,
      SendService sends,
      int maxContentBytes,
      MeterRegistry registry) {
    this.ctx = ctx;
    this.nc = nc;
    this.subjects = subjects;
    this.verifier = verifier;
    this.users = users;
    this.sends = sends;
    this.maxContentBytes = maxContentBytes;
    this.registry = registry;
    this.latency =
        Timer.builder("parley_bot_send_latency")
            .description("NATS send request to reply")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  /** Joins the queue group; requests are served from now on. */
  public void start() {
    dispatcher = nc.createDispatcher(this::onRequest);
    dispatcher.subscribe(subjects.apiMessagesSend(), QUEUE_GROUP);
  }

  /** Leaves the queue group (other gateways take the requests); a request in progress still gets its reply. */
  public void stop() {
    if (dispatcher != null) {
      nc.closeDispatcher(dispatcher);
      dispatcher = null;
    }
  }

  /** On the NATS dispatcher thread: copy, hop, return. */
  private void onRequest(Message msg) {
    String replyTo = msg.getReplyTo();
    if (replyTo == null || replyTo.isEmpty()) {
      count("no_reply_subject");
      log.debug(
          "Ignoring a publish to {} without a reply subject: use request-reply", msg.getSubject());
      return;
    }
    byte[] data = msg.getData();
    String headerToken =
        BearerTokens.fromAuthorization(
            msg.getHeaders() == null ? null : msg.getHeaders().getFirst(AUTHORIZATION));
    ctx.runOnContext(v -> serve(replyTo, data, headerToken));
  }

  private void serve(String replyTo, byte[] data, String headerToken) {
    long started = System.nanoTime();
    send(data, headerToken)
        .onComplete(
            ar -> {
              JsonObject reply;
              if (ar.succeeded()) {
                reply =
                    new JsonObject()
                        .put("message", ar.result().message().toJson())
                        .put("created", ar.result().created());
                count("ok");
              } else {
                reply = errorReply(ar.cause());
              }
              latency.record(Duration.ofNanos(System.nanoTime() - started));
              try {
                nc.publish(replyTo, reply.encode().getBytes(StandardCharsets.UTF_8));
              } catch (RuntimeException e) {
                log.warn("Could not reply to a bot send request: {}", e.toString());
              }
            });
  }

  private Future<SendService.Sent> send(byte[] data, String headerToken) {
    JsonObject body;
    try {
      // decoded strictly first: the JSON parser would let an encoded surrogate through
      body = new JsonObject(TextRules.decodeUtf8(data == null ? new byte[0] : data));
    } catch (CharacterCodingException e) {
      return Future.failedFuture(ApiException.invalid("the request is not valid UTF-8"));
    } catch (RuntimeException e) {
      return Future.failedFuture(ApiException.invalid("the request must be a JSON object"));
    }
    Object bodyToken = body.getValue("token");
    String token = headerToken != null ? headerToken : bodyToken instanceof String s ? s : null;
    return verifier
        .verifyService(token)
        .compose(users::ensure)
        .compose(
            bot -> {
              Object conversationId = body.getValue("conversation_id");
              if (!(conversationId instanceof String id)) {
                return Future.failedFuture(ApiException.invalid("conversation_id is required"));
              }
              return sends.send(bot, SendRequest.parse(id, body, maxContentBytes));
            });
  }

  private JsonObject errorReply(Throwable e) {
    Answer answer = Answer.of(e);
    count(answer.code().wire());
    answer.log(log, "Bot send over NATS");
    return answer.reply();
  }

  private void count(String outcome) {
    registry.counter("parley_bot_sends_total", "transport", "nats", "outcome", outcome).increment();
  }
}
