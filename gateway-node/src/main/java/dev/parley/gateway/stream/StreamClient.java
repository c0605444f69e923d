package dev.parley.gateway.stream;

import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.contract.stream.StreamLayout;
import dev.parley.contract.tracing.StreamTraceHeaders;
import dev.parley.contract.tracing.Tracing;
import dev.parley.gateway.failure.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Non-blocking access to the stream: publish with a de-duplication id, read entries back by
 * sequence, and the persistence consumer's ack floor. Every call completes on the caller's context.
 * The JetStream API is used by request-reply so no event-loop thread ever waits on NATS.
 *
 * <p>With several partitions ({@code PARLEY_STREAM_PARTITIONS}) each call addresses one partition's
 * stream: the one its subject names (a conversation's subject carries its partition), or the
 * partition given. Sequences, floors and positions are each partition's own.
 */
public final class StreamClient implements StreamReads {
  private static final Duration API_TIMEOUT = Duration.ofSeconds(2);

  private final Connection nc;
  private final JetStream js;
  private final NatsSettings settings;
  private final Timer publishLatency;
  private final Counter publishFailures;
  private final Tracing tracing;

  public StreamClient(Connection nc, NatsSettings settings, MeterRegistry registry)
      throws IOException {
    this(nc, settings, registry, Tracing.off());
  }

  /** With {@code tracing} on, each publish is a span and its entry carries a traceparent header. */
  public StreamClient(Connection nc, NatsSettings settings, MeterRegistry registry, Tracing tracing)
      throws IOException {
    this.nc = nc;
    this.tracing = tracing;
    this.js = nc.jetStream();
    this.settings = settings;
    this.publishLatency =
        Timer.builder("parley_stream_publish_latency")
            .description("From a publish to the stream's ack (the write is durable)")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.publishFailures =
        Counter.builder("parley_stream_publish_failures_total")
            .description("Publishes the stream did not acknowledge (NATS down, timeout, refused)")
            .register(registry);
  }

  /** Outcome of a publish: the entry's sequence, and whether the stream had it already. */
  public record Published(long seq, boolean duplicate) {}

  /** As {@link #publish(Context, io.opentelemetry.context.Context, String, String, JsonObject)}, under the current span. */
  public Future<Published> publish(
      Context ctx, String subject, String dedupId, JsonObject payload) {
    return publish(
        ctx,
        tracing.enabled() ? io.opentelemetry.context.Context.current() : null,
        subject,
        dedupId,
        payload);
  }

  /**
   * Writes {@code payload} to the stream. {@code trace} is the span it belongs to (null: tracing is
   * off); the publish is then a span of its own under it, named in the entry's headers.
   */
  public Future<Published> publish(
      Context ctx,
      io.opentelemetry.context.Context trace,
      String subject,
      String dedupId,
      JsonObject payload) {
    if (trace == null || !tracing.enabled()) {
      return publishEntry(ctx, null, subject, dedupId, payload);
    }
    Span span =
        tracing
            .tracer()
            .spanBuilder("stream publish")
            .setParent(trace)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute("messaging.system", "nats")
            .setAttribute("messaging.destination.name", subject)
            .startSpan();
    return publishEntry(ctx, trace.with(span), subject, dedupId, payload)
        .onSuccess(p -> span.setAttribute("parley.stream.seq", p.seq()))
        .onFailure(e -> span.setStatus(StatusCode.ERROR, e.getMessage()))
        .onComplete(ar -> span.end());
  }

  private Future<Published> publishEntry(
      Context ctx,
      io.opentelemetry.context.Context trace,
      String subject,
      String dedupId,
      JsonObject payload) {
    if (nc.getStatus() != Connection.Status.CONNECTED) {
      publishFailures.increment();
      return Future.failedFuture(
          ApiException.unavailable("the message bus is unavailable; retry shortly", null));
    }
    Headers headers = new Headers();
    if (dedupId != null) {
      headers.put(StreamHeaders.MSG_ID, dedupId);
    }
    if (trace != null) {
      StreamTraceHeaders.inject(trace, headers);
    }
    PublishOptions options =
        PublishOptions.builder().expectedStream(streamOfSubject(subject)).build();
    byte[] body = payload.encode().getBytes(StandardCharsets.UTF_8);
    Timer.Sample started = Timer.start();
    try {
      return Future.fromCompletionStage(js.publishAsync(subject, headers, body, options), ctx)
          .onSuccess(ack -> started.stop(publishLatency))
          .onFailure(e -> publishFailures.increment())
          .recover(
              e ->
                  Future.failedFuture(
                      ApiException.unavailable(
                          "the message bus did not confirm the write; retry (resending the same client_msg_id is safe)",
                          e)))
          .map((PublishAck ack) -> new Published(ack.getSeqno(), ack.isDuplicate()));
    } catch (RuntimeException e) {
      publishFailures.increment();
      return Future.failedFuture(
          ApiException.unavailable("the message bus is unavailable; retry shortly", e));
    }
  }

  /** The first entry at or after {@code fromSeq} on {@code subject}, or null when there is none. */
  @Override
  public Future<StreamEntry> nextOnSubject(Context ctx, long fromSeq, String subject) {
    JsonObject req = new JsonObject().put("seq", fromSeq).put("next_by_subj", subject);
    return msgGet(ctx, streamOfSubject(subject), req);
  }

  /**
   * The persistence consumer's ack floor in a partition: every entry of it at or below the floor
   * is committed in Postgres. 0 when the consumer does not exist yet.
   */
  public Future<Long> persistedFloor(Context ctx, int partition) {
    String subject =
        "$JS.API.CONSUMER.INFO." + streamName(partition) + "." + StreamLayout.PERSISTENCE_CONSUMER;
    return request(ctx, subject, new byte[0])
        .map(
            resp -> {
              JsonObject err = resp.getJsonObject("error");
              if (err != null) {
                if (err.getInteger("code", 0) == 404) {
                  return 0L;
                }
                throw new IllegalStateException(
                    "consumer info failed: " + err.getString("description"));
              }
              return storedFloor(resp);
            });
  }

  /**
   * The entry stored at {@code seq} in a partition, or null when there is none (never written, or
   * aged out).
   */
  public Future<StreamEntry> entryAt(Context ctx, int partition, long seq) {
    return msgGet(ctx, streamName(partition), new JsonObject().put("seq", seq));
  }

  /**
   * Where the persistence consumer stands, from one consumer-info request: its ack floor, and the
   * stream's last sequence as the consumer counts it (delivered, plus what is still to deliver; the
   * consumer has no filter, so that is every entry). Every entry at or below the floor is committed
   * in Postgres; the ones above it may not be. Before the consumer exists nothing is stored: the
   * floor is just below the stream's first entry, and the last sequence is the stream's.
   */
  public Future<ConsumerPosition> persistencePosition(Context ctx, int partition) {
    String subject =
        "$JS.API.CONSUMER.INFO." + streamName(partition) + "." + StreamLayout.PERSISTENCE_CONSUMER;
    return request(ctx, subject, new byte[0])
        .compose(
            resp -> {
              JsonObject err = resp.getJsonObject("error");
              if (err != null) {
                if (err.getInteger("code", 0) == 404) {
                  return streamState(ctx, partition)
                      .map(
                          state ->
                              new ConsumerPosition(
                                  Math.max(0, state.getLong("first_seq", 1L) - 1),
                                  state.getLong("last_seq", 0L)));
                }
                return Future.failedFuture(
                    new IllegalStateException(
                        "consumer info failed: " + err.getString("description")));
              }
              long floor = storedFloor(resp);
              long delivered = sequenceOf(resp.getJsonObject("delivered"));
              long pending = resp.getLong("num_pending", 0L);
              return Future.succeededFuture(
                  new ConsumerPosition(floor, Math.max(floor, delivered) + pending));
            });
  }

  /** The persistence consumer's ack floor and the last sequence of the stream it reads. */
  public record ConsumerPosition(long floor, long last) {}

  /**
   * Every entry at or below it is committed. The ack floor, or what was delivered when nothing is
   * waiting for an ack: a consumer on a stream that starts numbering past 1 (a new partition, see
   * PartitionLayout) reports an ack floor of 0 until its first ack, though nothing lies below its
   * first entry; reads would otherwise take the empty range below it for unstored entries.
   */
  private static long storedFloor(JsonObject consumerInfo) {
    long floor = sequenceOf(consumerInfo.getJsonObject("ack_floor"));
    if (consumerInfo.getLong("num_ack_pending", 1L) == 0) {
      floor = Math.max(floor, sequenceOf(consumerInfo.getJsonObject("delivered")));
    }
    return floor;
  }

  private static long sequenceOf(JsonObject position) {
    return position == null ? 0L : position.getLong("stream_seq", 0L);
  }

  /** A partition's last sequence right now (every conversation's entries in it count). */
  public Future<Long> lastSequence(Context ctx, int partition) {
    return streamState(ctx, partition).map(state -> state.getLong("last_seq", 0L));
  }

  /** The {@code state} of a partition's stream info: {@code first_seq}, {@code last_seq}, … */
  private Future<JsonObject> streamState(Context ctx, int partition) {
    return request(ctx, "$JS.API.STREAM.INFO." + streamName(partition), new byte[0])
        .map(
            resp -> {
              JsonObject err = resp.getJsonObject("error");
              if (err != null) {
                throw new IllegalStateException(
                    "stream info failed: " + err.getString("description"));
              }
              JsonObject state = resp.getJsonObject("state");
              return state == null ? new JsonObject() : state;
            });
  }

  /** How many partitions conversations are spread over. */
  public int partitions() {
    return settings.partitions();
  }

  /** The partition holding a conversation. */
  public int partitionOf(String conversationId) {
    return settings.subjects().partitionOf(conversationId);
  }

  private String streamName(int partition) {
    return settings.partition(partition).streamName();
  }

  private String streamOfSubject(String subject) {
    return streamName(settings.subjects().partitionOfSubject(subject));
  }

  private Future<StreamEntry> msgGet(Context ctx, String stream, JsonObject req) {
    String subject = "$JS.API.STREAM.MSG.GET." + stream;
    return request(ctx, subject, req.encode().getBytes(StandardCharsets.UTF_8))
        .map(
            resp -> {
              JsonObject err = resp.getJsonObject("error");
              if (err != null) {
                if (err.getInteger("code", 0) == 404) {
                  return null;
                }
                throw new IllegalStateException(
                    "stream read failed: " + err.getString("description"));
              }
              JsonObject m = resp.getJsonObject("message");
              String data = m.getString("data");
              JsonObject payload =
                  data == null
                      ? new JsonObject()
                      : new JsonObject(
                          new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
              return new StreamEntry(m.getLong("seq"), m.getString("subject"), payload);
            });
  }

  private Future<JsonObject> request(Context ctx, String subject, byte[] body) {
    if (nc.getStatus() != Connection.Status.CONNECTED) {
      return Future.failedFuture(
          ApiException.unavailable("the message bus is unavailable; retry shortly", null));
    }
    return Future.fromCompletionStage(nc.requestWithTimeout(subject, body, API_TIMEOUT), ctx)
        .recover(
            e ->
                Future.failedFuture(
                    ApiException.unavailable("the message bus did not answer; retry shortly", e)))
        .map(
            (Message reply) -> new JsonObject(new String(reply.getData(), StandardCharsets.UTF_8)));
  }
}
