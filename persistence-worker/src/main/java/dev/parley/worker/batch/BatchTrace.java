package dev.parley.worker.batch;

import dev.parley.contract.tracing.StreamTraceHeaders;
import dev.parley.contract.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.List;

/**
 * The span of one batch's store, {@code worker store}: a child of the first entry that names a
 * trace (its {@code traceparent} header), so a lone send's trace runs on into Postgres, and linked
 * to every traced entry of the batch, so each send's trace can find the store that holds it.
 */
final class BatchTrace {
  private BatchTrace() {}

  /** The started span, or null when tracing is off. */
  static Span start(Tracing tracing, List<Delivery> batch) {
    if (!tracing.enabled()) {
      return null;
    }
    SpanBuilder builder =
        tracing
            .tracer()
            .spanBuilder("worker store")
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute("messaging.system", "nats")
            .setAttribute("messaging.batch.message_count", (long) batch.size());
    SpanContext parent = null;
    for (Delivery d : batch) {
      SpanContext sent = StreamTraceHeaders.extract(d.headers());
      if (sent.isValid()) {
        if (parent == null) {
          parent = sent;
        }
        builder.addLink(sent);
      }
    }
    builder.setParent(parent == null ? Context.root() : Context.root().with(Span.wrap(parent)));
    return builder.startSpan();
  }
}
