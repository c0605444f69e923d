package dev.parley.presence;

import dev.parley.testing.RedisClusterExtension;
import dev.parley.testing.RedisClusterProcess;
import dev.parley.testing.TestEnvironment;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link SweepBehaviour} on a local three-master Redis Cluster. */
@ExtendWith(RedisClusterExtension.class)
class SweepOnClusterIntegrationTests extends SweepBehaviour {
  SweepOnClusterIntegrationTests(TestEnvironment env, RedisClusterProcess cluster) {
    super(env, PresenceRedis.cluster(cluster));
  }
}
