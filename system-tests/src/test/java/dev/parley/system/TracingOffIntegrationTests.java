package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.tracing.StreamTraceHeaders;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Tracing is off unless PARLEY_TRACING_OTLP_ENDPOINT is set: a send's stream entry names no trace. */
class TracingOffIntegrationTests extends OnTwoNodes {
  private static final Duration WAIT = Duration.ofSeconds(5);

  TracingOffIntegrationTests(TestEnvironment env) {
    super(env);
  }

  @Test
  void sendsWriteNoTraceparentToTheStream() {
    Cast c = cast("untraced");
    String subject = env.nats().subjects().streamMessages(c.conversationId());
    String events = env.nats().subjects().conversationEvents(c.conversationId());
    try (NatsRecorder tap = new NatsRecorder(env.natsConnection(), subject);
        NatsRecorder integrator = new NatsRecorder(env.natsConnection(), events);
        WsClient alice = onA(c.aliceToken())) {
      Api.Reply rest =
          MessageApi.send(
              nodes.apiA,
              c.aliceToken(),
              c.conversationId(),
              new JsonObject().put("content", "untraced over rest").put("client_msg_id", "u1"));
      assertThat(rest.status()).isEqualTo(201);
      alice.send(
          new JsonObject()
              .put("type", "message.send")
              .put("id", "u2")
              .put(
                  "data",
                  new JsonObject()
                      .put("conversation_id", c.conversationId())
                      .put("content", "untraced over ws")));

      for (String text : new String[] {"untraced over rest", "untraced over ws"}) {
        NatsRecorder.Received entry = tap.awaitContaining(text, WAIT);
        assertThat(entry.header(StreamTraceHeaders.TRACEPARENT)).as(text).isNull();
        assertThat(entry.header("tracestate")).as(text).isNull();
        NatsRecorder.Received relayed = integrator.awaitContaining(text, WAIT);
        assertThat(relayed.header(StreamTraceHeaders.TRACEPARENT)).as(text).isNull();
      }
    }
  }
}
