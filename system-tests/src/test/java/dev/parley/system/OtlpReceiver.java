package dev.parley.system;

import dev.parley.testing.Await;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A collector's OTLP/HTTP traces endpoint, in the test: accepts POST /v1/traces (protobuf), decodes
 * each span with the protocol's own classes and keeps it for the test to await.
 */
final class OtlpReceiver implements AutoCloseable {
  /** One received span, ids in lower-case hex as in a traceparent. */
  record ReceivedSpan(
      String service,
      String nodeId,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      Map<String, String> attributes,
      List<String> linkedSpanIds) {}

  private static final HexFormat HEX = HexFormat.of();

  private final Vertx vertx;
  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

  private OtlpReceiver(Vertx vertx) {
    this.vertx = vertx;
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              if (!req.path().equals("/v1/traces")) {
                                req.response().setStatusCode(404).end();
                                return;
                              }
                              try {
                                record(ExportTraceServiceRequest.parseFrom(body.getBytes()));
                              } catch (Exception e) {
                                req.response().setStatusCode(400).end(e.toString());
                                return;
                              }
                              req.response()
                                  .putHeader("Content-Type", "application/x-protobuf")
                                  .end(
                                      Buffer.buffer(
                                          ExportTraceServiceResponse.getDefaultInstance()
                                              .toByteArray()));
                            }));
  }

  static OtlpReceiver start() {
    OtlpReceiver r = new OtlpReceiver(Vertx.vertx());
    Await.result(r.server.listen(0, "127.0.0.1"));
    return r;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void record(ExportTraceServiceRequest request) {
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, String> resource = attributes(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          Map<String, String> attrs = new HashMap<>();
          s.getAttributesList().forEach(kv -> attrs.put(kv.getKey(), text(kv.getValue())));
          List<String> links = new ArrayList<>();
          s.getLinksList().forEach(l -> links.add(HEX.formatHex(l.getSpanId().toByteArray())));
          spans.add(
              new ReceivedSpan(
                  resource.get("service.name"),
                  resource.get("parley.node_id"),
                  HEX.formatHex(s.getTraceId().toByteArray()),
                  HEX.formatHex(s.getSpanId().toByteArray()),
                  HEX.formatHex(s.getParentSpanId().toByteArray()),
                  s.getName(),
                  s.getKind().name(),
                  attrs,
                  links));
        }
      }
    }
  }

  private static Map<String, String> attributes(Resource resource) {
    Map<String, String> out = new HashMap<>();
    for (KeyValue kv : resource.getAttributesList()) {
      out.put(kv.getKey(), text(kv.getValue()));
    }
    return out;
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString();
    };
  }

  List<ReceivedSpan> all() {
    return List.copyOf(spans);
  }

  /** Waits for a span that matches (the nodes send theirs in batches, every few seconds). */
  ReceivedSpan await(String what, Predicate<ReceivedSpan> match, Duration timeout) {
    return Await.until(
        () -> spans.stream().filter(match).findFirst().orElse(null),
        System.nanoTime() + timeout.toNanos(),
        () -> "no span " + what + " among " + spans.size() + " received: " + names());
  }

  private List<String> names() {
    return spans.stream().map(s -> s.service() + ":" + s.name()).distinct().toList();
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
