package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What browsers on other sites may do.
 *
 * @param corsOrigins {@code PARLEY_CORS_ORIGINS}: the exact origins ({@code https://app.example})
 *     whose pages may call the REST API and open {@code /ws}; empty (the default) means no CORS
 *     headers and no Origin check
 * @param wsTicketTtl {@code PARLEY_WS_TICKET_TTL}: how long a ticket from {@code POST /api/v1/ws-tickets}
 *     may wait before it opens {@code /ws}
 */
public record BrowserSettings(List<String> corsOrigins, Duration wsTicketTtl) {
  /** scheme://host[:port], nothing after: what a browser sends as Origin. */
  private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+");

  public static BrowserSettings fromEnv(Env env) {
    List<String> origins =
        env.optional("PARLEY_CORS_ORIGINS")
            .map(
                raw ->
                    Arrays.stream(raw.split(","))
                        .map(String::trim)
                        .filter(o -> !o.isEmpty())
                        .toList())
            .orElse(List.of());
    for (String o : origins) {
      if (!ORIGIN.matcher(o).matches()) {
        throw new ConfigException(
            "PARLEY_CORS_ORIGINS: "
                + o
                + " is not an exact origin: expected e.g. https://app.example"
                + " or http://localhost:3000 (scheme, host, optional port; no path, no wildcard)");
      }
    }
    Duration ttl = env.duration("PARLEY_WS_TICKET_TTL", Duration.ofSeconds(30));
    if (ttl.toSeconds() < 1 || ttl.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new ConfigException("PARLEY_WS_TICKET_TTL=" + ttl + " is out of range: 1s to 5m");
    }
    return new BrowserSettings(origins, ttl);
  }
}
