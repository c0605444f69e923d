package dev.parley.testing;

import dev.parley.contract.config.Env;

/**
 * Where the test services are, read from the environment with defaults for a developer machine
 * (the services {@code make services} starts). Only tests read these; processes under test get
 * their {@code PARLEY_*} variables from {@link TestEnvironment#baseEnv()}.
 *
 * <table>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>PARLEY_TEST_PG_HOST</td><td>127.0.0.1</td></tr>
 *   <tr><td>PARLEY_TEST_PG_PORT</td><td>5432</td></tr>
 *   <tr><td>PARLEY_TEST_PG_USER</td><td>postgres</td></tr>
 *   <tr><td>PARLEY_TEST_PG_PASSWORD</td><td>(empty)</td></tr>
 *   <tr><td>PARLEY_TEST_NATS_URL</td><td>nats://127.0.0.1:4222</td></tr>
 *   <tr><td>PARLEY_TEST_REDIS_URL</td><td>redis://127.0.0.1:6379</td></tr>
 * </table>
 */
public record TestSettings(
    String pgHost, int pgPort, String pgUser, String pgPassword, String natsUrl, String redisUrl) {

  public static TestSettings fromEnv(Env env) {
    return new TestSettings(
        env.string("PARLEY_TEST_PG_HOST", "127.0.0.1"),
        env.integer("PARLEY_TEST_PG_PORT", 5432, 1, 65535),
        env.string("PARLEY_TEST_PG_USER", "postgres"),
        env.string("PARLEY_TEST_PG_PASSWORD", ""),
        env.string("PARLEY_TEST_NATS_URL", "nats://127.0.0.1:4222"),
        env.string("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379"));
  }

  public static TestSettings system() {
    return fromEnv(Env.system());
  }
}
