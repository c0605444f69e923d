package dev.parley.gateway.http;

import dev.parley.contract.wire.Ids;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The first handler of every request: gives it a request id (the client's {@code X-Request-Id}
 * when it is a usable one, else a new one), returns it in the same header, and once the response
 * has ended writes one line to the logger {@code parley.access}: method, route template, path,
 * status, duration and request id, as key-values too (fields of their own in JSON logs). Probes
 * and scrapes are logged at DEBUG only. {@code PARLEY_LOG_LEVELS=parley.access=OFF} silences it.
 *
 * <p>The id is put on the log calls themselves, not in the MDC: a request's handlers run on an
 * event loop shared by many requests, so a thread-local would name the wrong one.
 */
public final class AccessLog implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "parley.request_id";
  private static final Logger log = LoggerFactory.getLogger("parley.access");

  /** What a client may choose as its id: it ends up in logs, so no spaces, quotes or control characters. */
  private static final Pattern USABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private static final Set<String> PROBES = Set.of("/health", "/ready", "/metrics");

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && USABLE.matcher(given).matches() ? given : Ids.newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    // read now, while the request's server span is current (it is ended by the time the line is
    // written); invalid when tracing is off
    SpanContext span = Span.current().getSpanContext();
    ctx.addEndHandler(ar -> written(ctx, id, span, started));
    ctx.next();
  }

  /** The request id {@link AccessLog} gave this request, for log lines about it. */
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  private static void written(RoutingContext ctx, String id, SpanContext span, long started) {
    String path = ctx.normalizedPath();
    boolean probe = PROBES.contains(path);
    if (probe ? !log.isDebugEnabled() : !log.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder line = probe ? log.atDebug() : log.atInfo();
    Route route = ctx.currentRoute();
    String template = route == null || route.getPath() == null ? "" : route.getPath();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    int status = ctx.response().getStatusCode();
    String method = ctx.request().method().name();
    line =
        line.addKeyValue("request_id", id)
            .addKeyValue("method", method)
            .addKeyValue("route", template)
            .addKeyValue("path", path)
            .addKeyValue("status", status)
            .addKeyValue("duration_ms", millis);
    if (span.isValid()) {
      line.addKeyValue("trace_id", span.getTraceId())
          .log(
              "{} {} {} {} ms request_id={} trace_id={}",
              method,
              path,
              status,
              millis,
              id,
              span.getTraceId());
    } else {
      line.log("{} {} {} {} ms request_id={}", method, path, status, millis, id);
    }
  }
}
