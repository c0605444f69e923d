package dev.parley.system;

import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import java.util.Map;

/** The usual fixture: a two-gateway cluster and a REST client on each node. */
final class TwoNodes implements AutoCloseable {
  final Cluster cluster;
  final Vertx vertx;
  final Api apiA;
  final Api apiB;

  private TwoNodes(Cluster cluster, Vertx vertx) {
    this.cluster = cluster;
    this.vertx = vertx;
    this.apiA = new Api(vertx, cluster.baseUrl(0));
    this.apiB = new Api(vertx, cluster.baseUrl(1));
  }

  /** With {@code overrides} in every process's environment (e.g. shorter timers for a test). */
  static TwoNodes start(TestEnvironment env, Map<String, String> overrides) {
    return new TwoNodes(Cluster.start(env, overrides, 2, true), Vertx.vertx());
  }

  @Override
  public void close() {
    apiA.close();
    apiB.close();
    Cluster.await(vertx.close());
    cluster.close();
  }
}
