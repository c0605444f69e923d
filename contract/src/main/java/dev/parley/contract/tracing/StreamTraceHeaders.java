package dev.parley.contract.tracing;

import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.Map;

/**
 * The W3C trace context on stream entries: a {@code traceparent} header (and {@code tracestate}
 * when set) written by the publisher, read by the worker and by integrators to continue the trace.
 * Written only when tracing is on.
 */
public final class StreamTraceHeaders {
  public static final String TRACEPARENT = "traceparent";

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapSetter<Headers> SETTER =
      (headers, key, value) -> headers.put(key, value);

  private static final TextMapGetter<Map<String, List<String>>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, List<String>> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, List<String>> carrier, String key) {
          if (carrier == null) {
            return null;
          }
          List<String> values = carrier.get(key);
          return values == null || values.isEmpty() ? null : values.get(0);
        }
      };

  private StreamTraceHeaders() {}

  /** Writes the trace context of {@code context} (its current span) into {@code headers}. */
  public static void inject(Context context, Headers headers) {
    W3C.inject(context, headers, SETTER);
  }

  /** The span an entry's headers name, or an invalid one when they name none (or a malformed one). */
  public static SpanContext extract(Map<String, List<String>> headers) {
    SpanContext found =
        io.opentelemetry.api.trace.Span.fromContext(W3C.extract(Context.root(), headers, GETTER))
            .getSpanContext();
    return found.isValid() ? found : SpanContext.getInvalid();
  }
}
