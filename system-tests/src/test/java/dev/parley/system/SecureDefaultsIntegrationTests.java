package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.gateway.GatewayMain;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway started with nothing said about its profile is a production gateway: it refuses to
 * start without a real key, with a message naming the variable, rather than accept the public dev
 * secret. Each case runs the real process, as an operator would.
 */
@ExtendWith(ParleyExtension.class)
class SecureDefaultsIntegrationTests {
  private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);
  private final TestEnvironment env;

  SecureDefaultsIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  /** The test's services, an ephemeral port, and the given auth variables only (null: unset). */
  private Map<String, String> gatewayEnv(String profile, String secret) {
    Map<String, String> vars = new HashMap<>(env.baseEnv());
    vars.put("PARLEY_HTTP_PORT", "0");
    vars.put("PARLEY_PROFILE", profile);
    vars.put("PARLEY_JWT_SECRET", secret);
    vars.put("PARLEY_DEV_TOKENS", null);
    vars.put("PARLEY_JWT_ALGORITHM", null);
    return vars;
  }

  @Test
  void withoutAProfileOrASecretTheGatewayRefusesToStartNamingTheVariable() throws Exception {
    try (ProcessNode gateway =
        ProcessNode.start(GatewayMain.class.getName(), gatewayEnv(null, null), "no-profile")) {
      assertThat(gateway.awaitExit(EXIT_WITHIN)).isEqualTo(2);
      assertThat(gateway.logTail())
          .contains("configuration error")
          .contains("PARLEY_JWT_SECRET is required")
          .contains("PARLEY_PROFILE=dev");
    }
  }

  @Test
  void productionRefusesThePublicDevSecret() throws Exception {
    try (ProcessNode gateway =
        ProcessNode.start(
            GatewayMain.class.getName(),
            gatewayEnv("prod", "parley-dev-secret"),
            "prod-dev-secret")) {
      assertThat(gateway.awaitExit(EXIT_WITHIN)).isEqualTo(2);
      assertThat(gateway.logTail()).contains("PARLEY_JWT_SECRET is the public dev secret");
    }
  }
}
