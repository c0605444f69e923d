package dev.parley.presence;

import static dev.parley.testing.Await.result;

import dev.parley.testing.TestEnvironment;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The presence nodes one test runs, on one Vert.x, and the fake gateways that talk to them. Each
 * node gets its own id and an ephemeral port on 127.0.0.1, plus the test's settings; {@link #close}
 * stops whatever is still running.
 */
final class PresenceNodes implements AutoCloseable {
  private final TestEnvironment env;
  private final Vertx vertx = Vertx.vertx();
  private final List<PresenceNode> running = new ArrayList<>();
  private final Map<String, String> redis;

  /** {@code redis}: settings that choose the Redis (none: the environment's). */
  PresenceNodes(TestEnvironment env, Map<String, String> redis) {
    this.env = env;
    this.redis = redis;
  }

  Vertx vertx() {
    return vertx;
  }

  PresenceNode start(Map<String, String> settings) {
    Map<String, String> vars =
        new HashMap<>(
            Map.of(
                "PARLEY_NODE_ID", env.newId("presence"),
                "PARLEY_HTTP_HOST", "127.0.0.1",
                "PARLEY_HTTP_PORT", "0"));
    vars.putAll(redis);
    vars.putAll(settings);
    PresenceNode node = result(PresenceNode.start(vertx, PresenceConfig.fromEnv(env.env(vars))));
    running.add(node);
    return node;
  }

  /** Stops one node before the test ends (e.g. to see another take over). */
  void stop(PresenceNode node) {
    running.remove(node);
    result(node.close());
  }

  List<PresenceNode> running() {
    return List.copyOf(running);
  }

  /** A fake gateway node with a fresh id that starts with {@code hint}. */
  FakeGateway gateway(String hint) {
    return new FakeGateway(env.natsConnection(), env.nats().subjects(), env.newId(hint));
  }

  /** Stops the nodes still running; the Vert.x stays up for what else the test closes on it. */
  void stopAll() {
    running().forEach(this::stop);
  }

  @Override
  public void close() {
    stopAll();
    result(vertx.close());
  }
}
