package dev.parley.contract.metrics;

import dev.parley.contract.tracing.Tracing;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * One process's metrics: a Prometheus registry whose every meter carries {@code node}, with the
 * JVM's meters (memory, GC, threads, class loading, CPU, uptime) and, for a Vert.x built by {@link
 * #vertx}, Vert.x's own (HTTP servers and clients by route template, pools) and the event-loop
 * delay. Each process's main builds one and hands it to the node it runs.
 */
public final class ProcessMetrics implements AutoCloseable {
  /**
   * Labels Vert.x may put on its meters: none per path or per remote address, so the number of
   * series stays bounded whatever clients send (a route is a template such as {@code
   * /api/v1/conversations/:id}; a request no route matched has an empty one).
   */
  private static final EnumSet<Label> BOUNDED_LABELS =
      EnumSet.of(
          Label.HTTP_ROUTE,
          Label.HTTP_METHOD,
          Label.HTTP_CODE,
          Label.POOL_TYPE,
          Label.POOL_NAME,
          Label.CLIENT_NAME);

  private final String nodeId;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private ProcessMetrics(String nodeId) {
    this.nodeId = nodeId;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // before any meter exists: a common tag applies only to meters registered after it
    registry.config().commonTags("node", nodeId);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** A registry for the process named {@code nodeId} (its PARLEY_NODE_ID). */
  public static ProcessMetrics forNode(String nodeId) {
    return new ProcessMetrics(nodeId);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * A Vert.x instance reporting to this registry: its HTTP servers' requests, responses and
   * WebSockets ({@code vertx_http_server_*}), its clients and pools ({@code vertx_pool_*}), and the
   * event-loop delay ({@code parley_event_loop_delay_seconds}).
   */
  public Vertx vertx(VertxOptions options) {
    return vertx(options, Tracing.off());
  }

  /** As {@link #vertx(VertxOptions)}, tracing its HTTP servers and clients when {@code tracing} is on. */
  public Vertx vertx(VertxOptions options, Tracing tracing) {
    MicrometerMetricsOptions metricsOptions =
        new MicrometerMetricsOptions().setEnabled(true).setLabels(BOUNDED_LABELS);
    Vertx vertx =
        tracing
            .configure(Vertx.builder(), new VertxOptions(options).setMetricsOptions(metricsOptions))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    EventLoopDelay.start(vertx, registry);
    return vertx;
  }

  /** A Vert.x with default options reporting to this registry. */
  public Vertx vertx() {
    return vertx(new VertxOptions());
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
