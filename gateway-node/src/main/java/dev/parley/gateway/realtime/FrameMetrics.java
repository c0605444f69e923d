package dev.parley.gateway.realtime;

import dev.parley.contract.wire.CloseReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Client frames handled, by type and outcome, and connections closed by the gateway, by reason.
 * Every series is registered at start (a rate over a counter that appears late reads as nothing),
 * and the tags take only known values: a frame of a type no handler has is counted as {@code
 * unknown}, so clients cannot create series.
 */
final class FrameMetrics {
  static final String UNKNOWN_TYPE = "unknown";

  private final Map<String, Counter> handled = new HashMap<>();
  private final Map<String, Counter> failed = new HashMap<>();
  private final Map<CloseReason, Counter> closes = new EnumMap<>(CloseReason.class);

  FrameMetrics(Set<String> types, MeterRegistry registry) {
    for (String type : types) {
      register(type, registry);
    }
    register(UNKNOWN_TYPE, registry);
    for (CloseReason reason : CloseReason.values()) {
      closes.put(
          reason,
          Counter.builder("parley_ws_closes_total")
              .description(
                  "WebSocket connections the gateway closed, by reason (slow_consumer: 4008)")
              .tag("reason", reason.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
  }

  private void register(String type, MeterRegistry registry) {
    handled.put(type, frames(type, "ok", registry));
    failed.put(type, frames(type, "error", registry));
  }

  private static Counter frames(String type, String outcome, MeterRegistry registry) {
    return Counter.builder("parley_ws_frames_total")
        .description("Client frames handled, by type, answered with ack (ok) or error")
        .tag("type", type)
        .tag("outcome", outcome)
        .register(registry);
  }

  void frameHandled(String type, boolean ok) {
    Map<String, Counter> byType = ok ? handled : failed;
    byType.getOrDefault(type, byType.get(UNKNOWN_TYPE)).increment();
  }

  void closed(CloseReason reason) {
    closes.get(reason).increment();
  }
}
