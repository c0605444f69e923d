package dev.parley.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class VerifiedTokensUnitTests {
  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  @Test
  void aCheckedTokenIsKnownUntilItsExp() {
    VerifiedTokens tokens = new VerifiedTokens();
    JsonObject claims = new JsonObject().put("sub", "alice").put("exp", now() + 60);
    assertThat(tokens.claims("t1")).isNull();
    tokens.remember("t1", claims);
    assertThat(tokens.claims("t1")).isEqualTo(claims);
    assertThat(tokens.claims("t2")).as("only the exact token").isNull();
  }

  @Test
  void anExpiredTokenIsCheckedAgain() {
    VerifiedTokens tokens = new VerifiedTokens();
    tokens.remember("t1", new JsonObject().put("sub", "alice").put("exp", now() - 1));
    assertThat(tokens.claims("t1")).isNull();
  }

  @Test
  void newKeysForgetEveryToken() {
    VerifiedTokens tokens = new VerifiedTokens();
    tokens.remember("t1", new JsonObject().put("sub", "alice").put("exp", now() + 60));
    tokens.forgetAll();
    assertThat(tokens.claims("t1")).isNull();
  }
}
