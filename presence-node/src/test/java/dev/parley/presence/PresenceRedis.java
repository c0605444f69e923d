package dev.parley.presence;

import dev.parley.testing.RedisClusterProcess;
import dev.parley.testing.TestEnvironment;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Map;

/**
 * Which Redis a presence test runs on: the settings its presence nodes get on top of the test
 * environment's (none for the shared Redis), and commands for the test's own checks.
 */
record PresenceRedis(Map<String, String> settings, RedisClusterCommands<String, String> commands) {

  static PresenceRedis standalone(TestEnvironment env) {
    return new PresenceRedis(Map.of(), env.redisConnection().sync());
  }

  static PresenceRedis cluster(RedisClusterProcess cluster) {
    return new PresenceRedis(cluster.settings(), cluster.commands());
  }
}
