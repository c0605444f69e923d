package dev.parley.presence;

import dev.parley.testing.TestEnvironment;

/** {@link PresenceAnnouncementBehaviour} on the shared single Redis. */
class PresenceAnnouncementIntegrationTests extends PresenceAnnouncementBehaviour {
  PresenceAnnouncementIntegrationTests(TestEnvironment env) {
    super(env, PresenceRedis.standalone(env));
  }
}
