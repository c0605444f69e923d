package dev.parley.gateway.stream;

import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.contract.stream.StreamLayout;
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
 */
public final class StreamClient implements StreamReads {
  private static final Duration API_TIMEOUT = Duration.ofSeconds(2);

  private final Connection nc;
  private final JetStream js;
  private final NatsSettings settings;
  private final Timer publishLatency;
  private final Counter publishFailures;

  public StreamClient(Connection nc, NatsSettings settings, MeterRegistry registry)
      throws IOException {
    this.nc = nc;
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

  public Future<Published> publish(
      Context ctx, String subject, String dedupId, JsonObject payload) {
    if (nc.getStatus() != Connection.Status.CONNECTED) {
      publishFailures.increment();
      return Future.failedFuture(
          ApiException.unavailable("the message bus is unavailable; retry shortly", null));
    }
    Headers headers = new Headers();
    if (dedupId != null) {
      headers.put(StreamHeaders.MSG_ID, dedupId);
    }
    PublishOptions options = PublishOptions.builder().expectedStream(settings.streamName()).build();
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
    return msgGet(ctx, req);
  }

  /**
   * The persistence consumer's ack floor: every entry at or below it is committed in Postgres.
   * 0 when the consumer does not exist yet.
   */
  public Future<Long> persistedFloor(Context ctx) {
    String subject =
        "$JS.API.CONSUMER.INFO." + settings.streamName() + "." + StreamLayout.PERSISTENCE_CONSUMER;
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
              JsonObject floor = resp.getJsonObject("ack_floor");
              return floor == null ? 0L : floor.getLong("stream_seq", 0L);
            });
  }

  /** The entry stored at {@code seq}, or null when there is none (never written, or aged out). */
  public Future<StreamEntry> entryAt(Context ctx, long seq) {
    return msgGet(ctx, new JsonObject().put("seq", seq));
  }

  /**
   * Where the persistence consumer stands, from one consumer-info request: its ack floor, and the
   * stream's last sequence as the consumer counts it (delivered, plus what is still to deliver; the
   * consumer has no filter, so that is every entry). Every entry at or below the floor is committed
   * in Postgres; the ones above it may not be. Before the consumer exists the floor is 0 and the
   * last sequence is read from the stream.
   */
  public Future<ConsumerPosition> persistencePosition(Context ctx) {
    String subject =
        "$JS.API.CONSUMER.INFO." + settings.streamName() + "." + StreamLayout.PERSISTENCE_CONSUMER;
    return request(ctx, subject, new byte[0])
        .compose(
            resp -> {
              JsonObject err = resp.getJsonObject("error");
              if (err != null) {
                if (err.getInteger("code", 0) == 404) {
                  return lastSequence(ctx).map(last -> new ConsumerPosition(0, last));
                }
                return Future.failedFuture(
                    new IllegalStateException(
                        "consumer info failed: " + err.getString("description")));
              }
              long floor = sequenceOf(resp.getJsonObject("ack_floor"));
              long delivered = sequenceOf(resp.getJsonObject("delivered"));
              long pending = resp.getLong("num_pending", 0L);
              return Future.succeededFuture(
                  new ConsumerPosition(floor, Math.max(floor, delivered) + pending));
            });
  }

  /** The persistence consumer's ack floor and the last sequence of the stream it reads. */
  public record ConsumerPosition(long floor, long last) {}

  private static long sequenceOf(JsonObject position) {
    return position == null ? 0L : position.getLong("stream_seq", 0L);
  }

  /** The stream's last sequence right now (every conversation's entries count). */
  public Future<Long> lastSequence(Context ctx) {
    return request(ctx, "$JS.API.STREAM.INFO." + settings.streamName(), new byte[0])
        .map(
            resp -> {
              JsonObject err = resp.getJsonObject("error");
              if (err != null) {
                throw new IllegalStateException(
                    "stream info failed: " + err.getString("description"));
              }
              JsonObject state = resp.getJsonObject("state");
              return state == null ? 0L : state.getLong("last_seq", 0L);
            });
  }

  private Future<StreamEntry> msgGet(Context ctx, JsonObject req) {
    String subject = "$JS.API.STREAM.MSG.GET." + settings.streamName();
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
