package dev.parley.presence;

import dev.parley.presence.redis.PresenceKeys;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What each presence behaviour starts from, on the Redis it is given (the shared one or a Redis
 * Cluster): before each test the environment's presence keys are removed and a fresh {@link
 * PresenceNodes} opens on its own Vert.x; after it, the nodes and that Vert.x are closed. A
 * subclass's own {@code @BeforeEach} runs after this one and its {@code @AfterEach} before.
 */
@Tag("integration")
@ExtendWith(ParleyExtension.class)
abstract class PresenceFixture {
  final TestEnvironment env;
  final PresenceKeys keys;

  /** Commands on the Redis the test's presence nodes use, for the test's own checks. */
  final RedisClusterCommands<String, String> redis;

  private final PresenceRedis target;
  PresenceNodes nodes;
  Vertx vertx;

  PresenceFixture(TestEnvironment env, PresenceRedis target) {
    this.env = env;
    this.keys = new PresenceKeys(env.redis().keyPrefix());
    this.target = target;
    this.redis = target.commands();
  }

  @BeforeEach
  void openFixture() {
    RedisKeys.deleteAll(redis, env.redis().keyPrefix());
    nodes = new PresenceNodes(env, target.settings());
    vertx = nodes.vertx();
  }

  @AfterEach
  void closeFixture() {
    nodes.close();
  }

  /** A fake gateway node with a fresh id that starts with {@code hint}. */
  FakeGateway gateway(String hint) {
    return nodes.gateway(hint);
  }
}
