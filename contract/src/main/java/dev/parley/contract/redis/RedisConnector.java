package dev.parley.contract.redis;

import dev.parley.contract.config.RedisSettings;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * A lettuce client for the Redis that {@link RedisSettings} names: one server (with its replicas)
 * or a Redis Cluster. Callers see one type of connection either way ({@link RedisConnection}), whose
 * commands route each key to the node owning its slot in cluster mode. A multi-key command or
 * script must then keep its keys in one slot (hash tags); {@link RedisConnection#slotOf} helps
 * group keys by slot.
 *
 * <p>Building a client starts lettuce's thread pools and loads many classes: seconds on a cold JVM,
 * so call {@link #create} off the event loop.
 */
public final class RedisConnector {
  /**
   * How often a cluster client re-reads the topology even without a sign of change (a MOVED reply or
   * a lost connection triggers a refresh at once): a failover is followed within this.
   */
  private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

  /** Commands that may wait for a cluster node's connection, per connection. */
  private static final int CLUSTER_QUEUE = 10_000;

  private final AbstractRedisClient client;
  private final List<RedisURI> uris;
  private final boolean cluster;

  private RedisConnector(AbstractRedisClient client, List<RedisURI> uris, boolean cluster) {
    this.client = client;
    this.uris = uris;
    this.cluster = cluster;
  }

  /**
   * A client for {@code settings}, on {@code resources} when given (else lettuce's own), with
   * {@code options} (in cluster mode, extended with topology refresh).
   */
  public static RedisConnector create(
      RedisSettings settings, ClientResources resources, ClientOptions options) {
    List<RedisURI> uris = settings.urls().stream().map(RedisURI::create).toList();
    if (!settings.cluster()) {
      RedisClient client =
          resources == null
              ? RedisClient.create(uris.get(0))
              : RedisClient.create(resources, uris.get(0));
      client.setOptions(options);
      return new RedisConnector(client, uris, false);
    }
    RedisClusterClient client =
        resources == null
            ? RedisClusterClient.create(uris)
            : RedisClusterClient.create(resources, uris);
    client.setOptions(
        ClusterClientOptions.builder(options)
            // A cluster connection opens its connection to each master on first use: rejecting
            // commands while one is not (yet, or again) connected would fail the first command to
            // every node. They queue instead, bounded in number, each failing after its timeout.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
            .requestQueueSize(CLUSTER_QUEUE)
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enableAllAdaptiveRefreshTriggers()
                    .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                    .build())
            .build());
    return new RedisConnector(client, uris, true);
  }

  public boolean cluster() {
    return cluster;
  }

  /** Opens a connection (a cluster connection reads the topology first). */
  public CompletionStage<RedisConnection> connect() {
    if (cluster) {
      RedisClusterClient clusterClient = (RedisClusterClient) client;
      // lettuce connects a cluster client only once it knows the topology
      return clusterClient
          .refreshPartitionsAsync()
          .thenCompose(v -> clusterClient.connectAsync(StringCodec.UTF8))
          .thenApply(c -> new RedisConnection(c, c.async(), true));
    }
    return ((RedisClient) client)
        .connectAsync(StringCodec.UTF8, uris.get(0))
        .thenApply(c -> new RedisConnection(c, c.async(), false));
  }

  /** {@code host:port} of the server, or of every seed node, for logs (no credentials). */
  public String describe() {
    return describe(uris, cluster);
  }

  /** What {@link #describe()} says of a client for {@code settings}, before one exists. */
  public static String describe(RedisSettings settings) {
    return describe(settings.urls().stream().map(RedisURI::create).toList(), settings.cluster());
  }

  private static String describe(List<RedisURI> uris, boolean cluster) {
    return uris.stream()
        .map(u -> u.getHost() + ":" + u.getPort())
        .collect(Collectors.joining(",", cluster ? "cluster " : "", ""));
  }

  /** Closes the client's connections and threads (not shared resources passed in). */
  public CompletableFuture<Void> shutdown() {
    return client.shutdownAsync();
  }
}
