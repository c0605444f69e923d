package dev.parley.system;

import dev.parley.contract.config.Env;
import dev.parley.contract.metrics.ProcessMetrics;
import dev.parley.contract.tracing.Tracing;
import dev.parley.contract.tracing.TracingSettings;
import dev.parley.gateway.GatewayNode;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.presence.PresenceConfig;
import dev.parley.presence.PresenceNode;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestEnvironment;
import dev.parley.worker.PersistenceWorker;
import dev.parley.worker.config.WorkerConfig;
import io.lettuce.core.RedisURI;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole Parley deployment in this JVM: gateway nodes (each on its own Vert.x instance, as
 * separate processes would be), a persistence worker and a presence node, on the test's own
 * database, stream, subject prefix and Redis keys.
 */
public final class Cluster implements AutoCloseable {
  private final TestEnvironment env;
  private final Map<String, String> overrides;
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<GatewayNode> gateways = new ArrayList<>();
  private final List<Tracing> tracings = new ArrayList<>();
  private PersistenceWorker worker;
  private Vertx workerVertx;
  private PresenceNode presence;

  private Cluster(TestEnvironment env, Map<String, String> overrides) {
    this.env = env;
    this.overrides = overrides;
  }

  /** Two gateways, a worker and a presence node. */
  public static Cluster start(TestEnvironment env) {
    return start(env, Map.of(), 2, true);
  }

  public static Cluster start(
      TestEnvironment env, Map<String, String> overrides, int gatewayCount, boolean withWorker) {
    Cluster c = new Cluster(env, overrides);
    try {
      if (withWorker) {
        c.startWorker();
      }
      c.startPresence();
      for (int i = 1; i <= gatewayCount; i++) {
        c.startGateway("gateway-" + i);
      }
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  public Env envFor(String nodeId, Map<String, String> extra) {
    return new Env(envMapFor(nodeId, extra));
  }

  /** The environment a process of this cluster gets (for nodes run as separate JVMs). */
  public Map<String, String> envMapFor(String nodeId, Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(env.baseEnv());
    all.put("PARLEY_NODE_ID", nodeId);
    all.put("PARLEY_HTTP_PORT", "0");
    all.put("PARLEY_HTTP_INSTANCES", "1");
    all.put("PARLEY_WORKER_ACK_WAIT", "3s");
    all.put("PARLEY_PRESENCE_HEARTBEAT_INTERVAL", "1s");
    all.put("PARLEY_PROFILE", "dev");
    // load and recovery tests send far faster than a person; SendLimitsIntegrationTests sets the
    // limit it tests
    all.put("PARLEY_SEND_RATE_PER_SECOND", "1000000");
    all.put("PARLEY_SEND_BURST", "1000000");
    // fixtures create a group per test, some tests dozens per user;
    // SharedRateLimitsIntegrationTests tests these limits
    all.put("PARLEY_GROUP_CREATE_LIMIT", "1000000/1s");
    all.put("PARLEY_MEMBER_ADD_LIMIT", "1000000/1s");
    // a busy test machine can hold a Redis answer past the default 250 ms, and a node would then
    // count limits on its own for a moment; RateLimitOutageIntegrationTests cuts Redis instead
    all.put("PARLEY_RATE_LIMIT_REDIS_TIMEOUT", "2s");
    all.putAll(overrides);
    all.putAll(extra);
    return all;
  }

  public GatewayNode startGateway(String nodeId) {
    return startGateway(nodeId, Map.of());
  }

  /** A gateway with {@code extra} in its environment only (e.g. its own way to NATS, through a proxy). */
  public GatewayNode startGateway(String nodeId, Map<String, String> extra) {
    ProcessMetrics metrics = ProcessMetrics.forNode(nodeId);
    Tracing tracing = tracing("gateway", nodeId, extra);
    Vertx vertx = newVertx(metrics, tracing);
    vertxes.add(vertx);
    GatewayNode node =
        await(
            GatewayNode.start(
                vertx, GatewayConfig.fromEnv(envFor(nodeId, extra)), metrics, tracing));
    gateways.add(node);
    return node;
  }

  public void startWorker() {
    ProcessMetrics metrics = ProcessMetrics.forNode("worker-1");
    Tracing tracing = tracing("worker", "worker-1", Map.of());
    workerVertx = newVertx(metrics, tracing);
    worker =
        await(
            PersistenceWorker.start(
                workerVertx, WorkerConfig.fromEnv(envFor("worker-1", Map.of())), metrics, tracing));
  }

  public void stopWorker() {
    if (worker != null) {
      await(worker.close());
      await(workerVertx.close());
      worker = null;
      workerVertx = null;
    }
  }

  private void startPresence() {
    ProcessMetrics metrics = ProcessMetrics.forNode("presence-1");
    Vertx vertx = newVertx(metrics);
    vertxes.add(vertx);
    presence =
        await(
            PresenceNode.start(
                vertx, PresenceConfig.fromEnv(envFor("presence-1", Map.of())), metrics));
  }

  /** Stops the presence node (e.g. to see what gateways do without one). */
  public void stopPresence() {
    if (presence != null) {
      await(presence.close());
      presence = null;
    }
  }

  public GatewayNode gateway(int index) {
    return gateways.get(index);
  }

  public String baseUrl(int index) {
    return "http://127.0.0.1:" + gateways.get(index).port();
  }

  public PersistenceWorker worker() {
    return worker;
  }

  /**
   * A Vert.x reporting to {@code metrics}, as each process's main builds it; blocked event loops
   * are reported with their stack after 1 s, so a test shows where.
   */
  private static Vertx newVertx(ProcessMetrics metrics) {
    return newVertx(metrics, Tracing.off());
  }

  private static Vertx newVertx(ProcessMetrics metrics, Tracing tracing) {
    return metrics.vertx(
        new VertxOptions().setWarningExceptionTime(1).setWarningExceptionTimeUnit(TimeUnit.SECONDS),
        tracing);
  }

  /** A process's tracing as its main builds it, from PARLEY_TRACING_* (off unless set). */
  private Tracing tracing(String service, String nodeId, Map<String, String> extra) {
    Tracing tracing =
        Tracing.start(TracingSettings.fromEnv(envFor(nodeId, extra)), service, nodeId);
    tracings.add(tracing);
    return tracing;
  }

  /** A proxy in front of the test Redis, so a test can cut it and restore it (an outage). */
  public static TcpProxy redisProxy(Vertx vertx, TestEnvironment env) {
    RedisURI target = RedisURI.create(env.redis().url());
    return await(TcpProxy.start(vertx, target.getHost(), target.getPort()));
  }

  /** {@code PARLEY_REDIS_URL} for nodes that reach Redis through {@code proxy}. */
  public static String redisUrlThrough(TcpProxy proxy) {
    return "redis://" + proxy.host() + ":" + proxy.port();
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cluster step failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (GatewayNode g : gateways) {
      try {
        await(g.close());
      } catch (RuntimeException e) {
        // keep closing the rest
      }
    }
    stopWorker();
    if (presence != null) {
      try {
        await(presence.close());
      } catch (RuntimeException e) {
        // keep closing the rest
      }
    }
    for (Vertx v : vertxes) {
      try {
        await(v.close());
      } catch (RuntimeException e) {
        // keep closing the rest
      }
    }
    tracings.forEach(Tracing::close);
  }
}
