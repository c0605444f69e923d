package dev.parley.contract.tracing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Puts {@code trace_id} and {@code span_id} of the current span into a log line's MDC, so text and
 * JSON lines carry them. The span is read when the line is logged, from Vert.x's context-local
 * storage (vertx-opentelemetry's context storage): nothing is left in a thread-local for the next
 * request on the same event loop. Lines logged outside a span are left as they are.
 */
public final class TraceLogFilter extends Filter<ILoggingEvent> {
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (event instanceof LoggingEvent logged) {
      SpanContext span = Span.current().getSpanContext();
      if (span.isValid()) {
        withSpan(logged, span);
      }
    }
    return FilterReply.NEUTRAL;
  }

  private static void withSpan(LoggingEvent event, SpanContext span) {
    Map<String, String> mdc = new HashMap<>();
    Map<String, String> threadMdc = MDC.getCopyOfContextMap();
    if (threadMdc != null) {
      mdc.putAll(threadMdc);
    }
    mdc.put(TRACE_ID, span.getTraceId());
    mdc.put(SPAN_ID, span.getSpanId());
    try {
      event.setMDCPropertyMap(mdc);
    } catch (IllegalStateException e) {
      // another appender read the event's MDC first: it keeps what it had
    }
  }
}
