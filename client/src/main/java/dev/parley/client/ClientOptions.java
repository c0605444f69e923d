package dev.parley.client;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link ParleyClient} behaves; every field has a default fit for a chat client.
 *
 * @param gateways where to connect
 * @param localAddresses source addresses to spread connections over ({@code 127.0.0.2}, …): one
 *     address has about 28,000 ports per gateway, so a machine opening more connections to one
 *     gateway needs several. Empty: the system picks.
 * @param attemptTimeout an attempt of a send unanswered this long is sent again (same {@code
 *     client_msg_id}, so at most one message)
 * @param sendDeadline a send not acknowledged within this long fails
 * @param backoffBase the first reconnect delay's ceiling; it doubles with each failure
 * @param backoffMax the largest reconnect delay
 * @param connectTimeout how long a handshake may take
 */
public record ClientOptions(
    Gateways gateways,
    List<String> localAddresses,
    Duration attemptTimeout,
    Duration sendDeadline,
    Duration backoffBase,
    Duration backoffMax,
    Duration connectTimeout) {

  public ClientOptions {
    localAddresses = List.copyOf(localAddresses);
  }

  public static ClientOptions defaults(Gateways gateways) {
    return new ClientOptions(
        gateways,
        List.of(),
        Duration.ofSeconds(10),
        Duration.ofMinutes(2),
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30));
  }

  public ClientOptions withLocalAddresses(List<String> addresses) {
    return new ClientOptions(
        gateways, addresses, attemptTimeout, sendDeadline, backoffBase, backoffMax, connectTimeout);
  }

  public ClientOptions withGateways(Gateways other) {
    return new ClientOptions(
        other,
        localAddresses,
        attemptTimeout,
        sendDeadline,
        backoffBase,
        backoffMax,
        connectTimeout);
  }

  public ClientOptions withTimeouts(Duration attempt, Duration deadline) {
    return new ClientOptions(
        gateways, localAddresses, attempt, deadline, backoffBase, backoffMax, connectTimeout);
  }
}
