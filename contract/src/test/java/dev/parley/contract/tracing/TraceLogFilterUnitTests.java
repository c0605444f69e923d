package dev.parley.contract.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class TraceLogFilterUnitTests {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN = "b7ad6b7169203331";

  private final Logger logger =
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("test");

  private LoggingEvent event() {
    return new LoggingEvent("fqcn", logger, Level.INFO, "hello", null, null);
  }

  @Test
  void aLineLoggedUnderASpanCarriesItsIdsBesideTheThreadsMdc() {
    LoggingEvent event = event();
    SpanContext span =
        SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault());
    MDC.put("other", "kept");
    try (Scope ignored = Span.wrap(span).makeCurrent()) {
      new TraceLogFilter().decide(event);
    } finally {
      MDC.remove("other");
    }
    assertThat(event.getMDCPropertyMap())
        .containsEntry("trace_id", TRACE)
        .containsEntry("span_id", SPAN)
        .containsEntry("other", "kept");
  }

  @Test
  void aLineLoggedOutsideASpanIsLeftAlone() {
    LoggingEvent event = event();
    new TraceLogFilter().decide(event);
    assertThat(event.getMDCPropertyMap()).doesNotContainKeys("trace_id", "span_id");
  }
}
