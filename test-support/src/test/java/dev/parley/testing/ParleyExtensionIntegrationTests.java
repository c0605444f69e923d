package dev.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One environment per test class, the same one wherever it is injected. */
@ExtendWith(ParleyExtension.class)
class ParleyExtensionIntegrationTests {

  private static TestEnvironment fromBeforeAll;
  private final TestEnvironment fromConstructor;

  ParleyExtensionIntegrationTests(TestEnvironment env) {
    this.fromConstructor = env;
  }

  @BeforeAll
  static void remember(TestEnvironment env) {
    fromBeforeAll = env;
  }

  @AfterAll
  static void stillOpenInAfterAll(TestEnvironment env) {
    assertThat(env).isSameAs(fromBeforeAll);
    assertThat(env.natsConnection().getStatus()).isEqualTo(Connection.Status.CONNECTED);
  }

  @Test
  void constructorAndBeforeAllGetTheSameEnvironment() {
    assertThat(fromConstructor).isSameAs(fromBeforeAll);
  }

  @Test
  void methodParameterGetsTheSameEnvironment(TestEnvironment env) {
    assertThat(env).isSameAs(fromBeforeAll);
  }

  @Nested
  class NestedIntegrationTests {
    @Test
    void nestedClassesShareTheOuterEnvironment(TestEnvironment env) {
      assertThat(env).isSameAs(fromBeforeAll);
    }
  }
}
