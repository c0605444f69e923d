package dev.parley.contract.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSettingsUnitTests {
  @Test
  void offUnlessAnEndpointIsSet() {
    TracingSettings s = TracingSettings.fromEnv(new Env(Map.of()));
    assertThat(s.enabled()).isFalse();
    assertThat(s.sampleRatio()).isEqualTo(1.0);
    assertThat(Tracing.start(s, "gateway", "g1").enabled()).isFalse();
  }

  @Test
  void spansGoToTheTracesPathUnderTheEndpoint() {
    assertThat(settings("http://collector:4318").tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(settings("http://collector:4318/").tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(settings("https://c.example/v1/traces").tracesUrl())
        .isEqualTo("https://c.example/v1/traces");
  }

  @Test
  void badValuesNameTheSetting() {
    assertThatThrownBy(() -> settings("collector:4318"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_TRACING_OTLP_ENDPOINT");
    for (String ratio : new String[] {"2", "-0.1", "half", "NaN"}) {
      assertThatThrownBy(
              () -> TracingSettings.fromEnv(new Env(Map.of("PARLEY_TRACING_SAMPLE_RATIO", ratio))))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("PARLEY_TRACING_SAMPLE_RATIO");
    }
    assertThat(
            TracingSettings.fromEnv(new Env(Map.of("PARLEY_TRACING_SAMPLE_RATIO", "0.25")))
                .sampleRatio())
        .isEqualTo(0.25);
  }

  private static TracingSettings settings(String endpoint) {
    return TracingSettings.fromEnv(new Env(Map.of("PARLEY_TRACING_OTLP_ENDPOINT", endpoint)));
  }
}
