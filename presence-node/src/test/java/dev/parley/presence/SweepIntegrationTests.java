package dev.parley.presence;

import dev.parley.testing.TestEnvironment;

/** {@link SweepBehaviour} on the shared single Redis. */
class SweepIntegrationTests extends SweepBehaviour {
  SweepIntegrationTests(TestEnvironment env) {
    super(env, PresenceRedis.standalone(env));
  }
}
