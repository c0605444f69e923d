package dev.parley.system;

import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What most system test classes share: one {@link TwoNodes} cluster on the class's own environment,
 * started before its first test and closed after its last, and what their tests begin with (a cast
 * of users, a WebSocket on node A or B, the database).
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OnTwoNodes {
  final TestEnvironment env;
  private final Map<String, String> overrides;
  TwoNodes nodes;
  private Pool pool;

  OnTwoNodes(TestEnvironment env) {
    this(env, Map.of());
  }

  /** With {@code overrides} in every process's environment (e.g. shorter timers for the class's tests). */
  OnTwoNodes(TestEnvironment env, Map<String, String> overrides) {
    this.env = env;
    this.overrides = overrides;
  }

  @BeforeAll
  final void startNodes() {
    nodes = TwoNodes.start(env, overrides);
  }

  @AfterAll
  final void stopNodes() {
    nodes.close();
  }

  /** A connection of the token's user to gateway A. */
  WsClient onA(String token) {
    return WsClient.connect(nodes.vertx, nodes.cluster.gateway(0).port(), token);
  }

  /** A connection of the token's user to gateway B. */
  WsClient onB(String token) {
    return WsClient.connect(nodes.vertx, nodes.cluster.gateway(1).port(), token);
  }

  /** As {@link #onB(String)}, running {@code onOpen} the instant the connection opens. */
  WsClient onB(String token, Runnable onOpen) {
    return WsClient.connect(nodes.vertx, nodes.cluster.gateway(1).port(), token, onOpen);
  }

  /** A group {@code name} that alice owns with bob in it; carol, signed in too, is not a member. */
  Cast cast(String name) {
    return Cast.of(nodes.apiA, env, name, false);
  }

  /** A group {@code name} that alice owns with bob and carol in it. */
  Cast castWithCarol(String name) {
    return Cast.of(nodes.apiA, env, name, true);
  }

  /** A pool on the database the nodes use, to see what they stored (made on first use). */
  Pool pool() {
    if (pool == null) {
      pool = env.pgPool(nodes.vertx);
    }
    return pool;
  }
}
