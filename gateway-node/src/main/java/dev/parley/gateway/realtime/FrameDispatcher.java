package dev.parley.gateway.realtime;

import dev.parley.contract.tracing.Tracing;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.failure.Answer;
import dev.parley.gateway.failure.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one client frame: {@code {"type","id"?,"data"}}. A frame with an id is answered with
 * {@code ack} or {@code error} carrying the same id. Bad frames get an error and the connection
 * stays open.
 */
public final class FrameDispatcher {
  private static final Logger log = LoggerFactory.getLogger(FrameDispatcher.class);

  private final Map<String, FrameHandler> handlers;
  private final FrameMetrics metrics;
  private final Tracing tracing;

  /** @param handlers by frame {@code type}; each feature registers its own in the node's wiring */
  public FrameDispatcher(Map<String, FrameHandler> handlers, MeterRegistry registry) {
    this(handlers, registry, Tracing.off());
  }

  /** With {@code tracing} on, each frame a handler takes is a span {@code ws <type>}. */
  public FrameDispatcher(
      Map<String, FrameHandler> handlers, MeterRegistry registry, Tracing tracing) {
    this.handlers = Map.copyOf(handlers);
    this.metrics = new FrameMetrics(this.handlers.keySet(), registry);
    this.tracing = tracing;
  }

  /** Counts closes the gateway decides (slow consumers, idle clients, oversized messages). */
  FrameMetrics metrics() {
    return metrics;
  }

  /** Answers {@code text} with {@code why} (an {@code error} with the frame's id, when it has one) without handling it. */
  public void refuse(ClientConnection conn, String text, ApiException why) {
    String id = null;
    try {
      if (Json.decodeValue(text) instanceof JsonObject frame
          && frame.getValue("id") instanceof String s) {
        id = s;
      }
    } catch (DecodeException e) {
      // no id to answer with
    }
    conn.send(Answer.of(why).frame(id).encode());
  }

  /** Handles {@code text}; the future completes once its answer (if any) has been handed to the connection. */
  public Future<Void> dispatch(ClientConnection conn, String text) {
    JsonObject frame;
    try {
      Object parsed = Json.decodeValue(text);
      if (!(parsed instanceof JsonObject o)) {
        conn.send(
            Answer.of(ApiException.invalid("a frame is one JSON object")).frame(null).encode());
        metrics.frameHandled(FrameMetrics.UNKNOWN_TYPE, false);
        return Future.succeededFuture();
      }
      frame = o;
    } catch (DecodeException e) {
      conn.send(
          Answer.of(ApiException.invalid("the frame is not valid JSON")).frame(null).encode());
      metrics.frameHandled(FrameMetrics.UNKNOWN_TYPE, false);
      return Future.succeededFuture();
    }
    String id = frame.getValue("id") instanceof String s ? s : null;
    Object type = frame.getValue("type");
    JsonObject data = frame.getValue("data") instanceof JsonObject d ? d : new JsonObject();
    FrameHandler handler = type instanceof String t ? handlers.get(t) : null;
    Future<?> result;
    if (handler != null && tracing.enabled()) {
      Span span =
          tracing
              .tracer()
              .spanBuilder("ws " + type)
              // a trace of its own: under the connection's upgrade, a long-lived connection would
              // make one trace of hours
              .setNoParent()
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("parley.user_id", conn.userId())
              .startSpan();
      // current while the handler runs: what it starts (a send's publish) takes it as parent
      try (Scope ignored = span.makeCurrent()) {
        result = handle(handler, type, conn, data);
      }
      result.onComplete(
          ar -> {
            if (ar.failed()) {
              span.setStatus(StatusCode.ERROR, ar.cause().getMessage());
            }
            span.end();
          });
    } else {
      result = handle(handler, type, conn, data);
    }
    return result.transform(
        ar -> {
          metrics.frameHandled(
              type instanceof String t ? t : FrameMetrics.UNKNOWN_TYPE, ar.succeeded());
          if (ar.succeeded()) {
            if (id != null) {
              conn.send(Frames.ack(id, ar.result()).encode());
            }
          } else {
            Answer answer = Answer.of(ar.cause());
            answer.log(log, "frame " + type + " from " + conn.userId());
            conn.send(answer.frame(id).encode());
          }
          return Future.<Void>succeededFuture();
        });
  }

  private static Future<?> handle(
      FrameHandler handler, Object type, ClientConnection conn, JsonObject data) {
    try {
      return handler == null
          ? Future.failedFuture(
              ApiException.invalid("unknown frame type: " + (type == null ? "(none)" : type)))
          : handler.handle(conn, data);
    } catch (ApiException | ClassCastException e) {
      return Future.failedFuture(
          e instanceof ApiException
              ? e
              : ApiException.invalid("malformed data: " + e.getMessage()));
    }
  }
}
