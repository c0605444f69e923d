package dev.parley.presence;

import dev.parley.testing.TestEnvironment;

/** {@link PresenceTrackingBehaviour} on the shared single Redis. */
class PresenceTrackingIntegrationTests extends PresenceTrackingBehaviour {
  PresenceTrackingIntegrationTests(TestEnvironment env) {
    super(env, PresenceRedis.standalone(env));
  }
}
