package dev.parley.contract.tracing;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Tracing of a process: {@code PARLEY_TRACING_OTLP_ENDPOINT}, the base URL of an OTLP/HTTP receiver
 * (e.g. {@code http://otel-collector:4318}; unset: tracing is off), and {@code
 * PARLEY_TRACING_SAMPLE_RATIO}, the share of new traces kept (a trace begun upstream keeps its
 * caller's decision).
 */
public record TracingSettings(String endpoint, double sampleRatio) {
  private static final String TRACES_PATH = "/v1/traces";

  public static TracingSettings off() {
    return new TracingSettings("", 1.0);
  }

  public static TracingSettings fromEnv(Env env) {
    String endpoint = env.string("PARLEY_TRACING_OTLP_ENDPOINT", "");
    String ratioText = env.string("PARLEY_TRACING_SAMPLE_RATIO", "1.0");
    double ratio;
    try {
      ratio = Double.parseDouble(ratioText);
    } catch (NumberFormatException e) {
      ratio = Double.NaN;
    }
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new ConfigException(
          "PARLEY_TRACING_SAMPLE_RATIO=" + ratioText + ": expected a number from 0 to 1");
    }
    if (!endpoint.isEmpty()) {
      try {
        URI uri = new URI(endpoint);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
            || uri.getHost() == null) {
          throw new URISyntaxException(endpoint, "not an http(s) URL with a host");
        }
      } catch (URISyntaxException e) {
        throw new ConfigException(
            "PARLEY_TRACING_OTLP_ENDPOINT="
                + endpoint
                + ": expected the URL of an OTLP/HTTP receiver, e.g. http://otel-collector:4318");
      }
    }
    return new TracingSettings(endpoint, ratio);
  }

  public boolean enabled() {
    return !endpoint.isEmpty();
  }

  /** Where spans are posted: the endpoint, with the OTLP traces path unless it names it already. */
  public String tracesUrl() {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return base.endsWith(TRACES_PATH) ? base : base + TRACES_PATH;
  }
}
