package dev.parley.presence;

import dev.parley.testing.RedisClusterExtension;
import dev.parley.testing.RedisClusterProcess;
import dev.parley.testing.TestEnvironment;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link PresenceTrackingBehaviour} on a local three-master Redis Cluster. */
@ExtendWith(RedisClusterExtension.class)
class PresenceTrackingOnClusterIntegrationTests extends PresenceTrackingBehaviour {
  PresenceTrackingOnClusterIntegrationTests(TestEnvironment env, RedisClusterProcess cluster) {
    super(env, PresenceRedis.cluster(cluster));
  }
}
