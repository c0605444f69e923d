package dev.parley.contract.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.concurrent.TimeUnit;

/**
 * One process's tracing, built by its main and handed to the node it runs (no global instance).
 * Off, it is the no-op OpenTelemetry and {@link #enabled()} is false: callers on hot paths check
 * that first, so no span, header or context is made. On, spans are batched and posted by OTLP/HTTP;
 * {@link #close()} flushes them.
 */
public final class Tracing implements AutoCloseable {
  private static final String SCOPE = "dev.parley";
  private static final long SHUTDOWN_WAIT_SECONDS = 5;

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;

  private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.tracer = openTelemetry.getTracer(SCOPE);
  }

  public static Tracing off() {
    return new Tracing(OpenTelemetry.noop(), null);
  }

  /**
   * Tracing as {@code settings} say, for a process of kind {@code service} (gateway, worker,
   * presence: the service name) named {@code nodeId} (PARLEY_NODE_ID, a resource attribute).
   */
  public static Tracing start(TracingSettings settings, String service, String nodeId) {
    if (!settings.enabled()) {
      return off();
    }
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        "parley-" + service,
                        AttributeKey.stringKey("service.instance.id"),
                        nodeId,
                        AttributeKey.stringKey("parley.node_id"),
                        nodeId)));
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(settings.tracesUrl()).build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(provider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new Tracing(sdk, sdk);
  }

  public boolean enabled() {
    return sdk != null;
  }

  public Tracer tracer() {
    return tracer;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Vert.x traces its HTTP server (REST, the WebSocket upgrade) and clients when tracing is on. */
  public VertxBuilder configure(VertxBuilder builder, VertxOptions options) {
    if (!enabled()) {
      return builder.with(options);
    }
    return builder
        .with(new VertxOptions(options).setTracingOptions(new OpenTelemetryOptions()))
        .withTracer(new OpenTelemetryTracingFactory(openTelemetry));
  }

  /** Sends what is still buffered and stops; blocks a few seconds at most (not on an event loop). */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }
}
