package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.tracing.StreamTraceHeaders;
import dev.parley.system.OtlpReceiver.ReceivedSpan;
import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * PARLEY_TRACING_OTLP_ENDPOINT on: the gateways and the worker export spans by OTLP/HTTP to a
 * receiver in the test, and one send is one trace from the request (or frame) through the stream's
 * traceparent header to the worker's store.
 */
class TracingIntegrationTests extends OnTwoNodes {
  /** Spans leave in batches every few seconds (the SDK's default schedule). */
  private static final Duration SPANS = Duration.ofSeconds(20);

  private static final Duration WAIT = Duration.ofSeconds(5);

  /** Started before the nodes, which are given its URL (JUnit allows one constructor only). */
  private static final OtlpReceiver receiver = OtlpReceiver.start();

  TracingIntegrationTests(TestEnvironment env) {
    super(env, Map.of("PARLEY_TRACING_OTLP_ENDPOINT", receiver.url()));
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @Test
  void aRestSendIsOneTraceFromTheRequestThroughTheStreamToTheStore() {
    Cast c = cast("traced rest");
    String subject = env.nats().subjects().streamMessages(c.conversationId());
    String events = env.nats().subjects().conversationEvents(c.conversationId());
    try (NatsRecorder tap = new NatsRecorder(env.natsConnection(), subject);
        NatsRecorder integrator = new NatsRecorder(env.natsConnection(), events);
        LogWatch access = new LogWatch("parley.access")) {
      MessageApi.sent(nodes.apiA, c.aliceToken(), c.conversationId(), "traced over rest");
      Traceparent sent = Traceparent.of(tap.awaitContaining("traced over rest", WAIT));
      assertThat(Traceparent.of(integrator.awaitContaining("traced over rest", WAIT)))
          .as("the relay passes the traceparent on to integrators")
          .isEqualTo(sent);
      Await.until(
          "the access line names the trace",
          WAIT,
          () -> access.contains("trace_id=" + sent.traceId()));

      ReceivedSpan publish = spanWithId(sent.spanId(), "stream publish");
      assertThat(publish.traceId()).isEqualTo(sent.traceId());
      assertThat(publish.service()).isEqualTo("parley-gateway");
      assertThat(publish.nodeId()).isEqualTo("gateway-1");
      assertThat(publish.kind()).isEqualTo("SPAN_KIND_PRODUCER");
      assertThat(publish.attributes()).containsEntry("messaging.destination.name", subject);

      ReceivedSpan server =
          receiver.await(
              "the request's server span", s -> s.spanId().equals(publish.parentSpanId()), SPANS);
      assertThat(server.traceId()).isEqualTo(sent.traceId());
      assertThat(server.kind()).isEqualTo("SPAN_KIND_SERVER");
      assertThat(server.attributes().values()).anySatisfy(v -> assertThat(v).contains("/messages"));

      assertStoredUnder(publish);
    }
  }

  @Test
  void aWebSocketSendIsOneTraceFromTheFrameThroughTheStreamToTheStore() {
    Cast c = cast("traced ws");
    String subject = env.nats().subjects().streamMessages(c.conversationId());
    try (NatsRecorder tap = new NatsRecorder(env.natsConnection(), subject);
        WsClient alice = onA(c.aliceToken())) {
      alice.send(
          new JsonObject()
              .put("type", "message.send")
              .put("id", "t1")
              .put(
                  "data",
                  new JsonObject()
                      .put("conversation_id", c.conversationId())
                      .put("content", "traced over ws")));
      alice.awaitOne(
          f -> "ack".equals(f.getString("type")) && "t1".equals(f.getString("id")), WAIT);
      Traceparent sent = Traceparent.of(tap.awaitContaining("traced over ws", WAIT));

      ReceivedSpan publish = spanWithId(sent.spanId(), "stream publish");
      ReceivedSpan frame =
          receiver.await("the frame's span", s -> s.spanId().equals(publish.parentSpanId()), SPANS);
      assertThat(frame.name()).isEqualTo("ws message.send");
      assertThat(frame.traceId()).isEqualTo(sent.traceId());
      assertThat(frame.attributes()).containsEntry("parley.user_id", c.alice());
      assertThat(frame.parentSpanId()).as("a frame begins its own trace").isEmpty();

      assertStoredUnder(publish);
    }
  }

  /** The worker's span for the batch that stored it is in the send's trace, or at least links to it. */
  private void assertStoredUnder(ReceivedSpan publish) {
    ReceivedSpan store =
        receiver.await(
            "the worker's store of the batch",
            s ->
                s.name().equals("worker store")
                    && (s.parentSpanId().equals(publish.spanId())
                        || s.linkedSpanIds().contains(publish.spanId())),
            SPANS);
    assertThat(store.service()).isEqualTo("parley-worker");
    assertThat(store.nodeId()).isEqualTo("worker-1");
    assertThat(store.linkedSpanIds()).contains(publish.spanId());
    assertThat(Long.parseLong(store.attributes().get("messaging.batch.message_count")))
        .isPositive();
    if (store.parentSpanId().equals(publish.spanId())) {
      assertThat(store.traceId()).isEqualTo(publish.traceId());
    }
  }

  private ReceivedSpan spanWithId(String spanId, String name) {
    ReceivedSpan span = receiver.await(name + " " + spanId, s -> s.spanId().equals(spanId), SPANS);
    assertThat(span.name()).isEqualTo(name);
    return span;
  }

  /** A W3C traceparent header: version, trace id, parent span id, flags. */
  record Traceparent(String traceId, String spanId) {
    static Traceparent of(NatsRecorder.Received entry) {
      String header = entry.header(StreamTraceHeaders.TRACEPARENT);
      assertThat(header).as("the stream entry's traceparent").isNotNull();
      assertThat(header).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
      String[] parts = header.split("-");
      return new Traceparent(parts[1], parts[2]);
    }
  }
}
