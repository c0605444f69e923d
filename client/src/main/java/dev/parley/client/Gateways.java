package dev.parley.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateways a client may use, as base URLs ({@code http://127.0.0.1:8080}, {@code
 * https://chat.example}). Gateways keep nothing a client needs, so a connection that ends may go to
 * any of them; a client tries the next one in the list first, since the one that just failed is
 * the least likely to answer.
 */
public final class Gateways {
  /** One gateway: where REST calls and the {@code /ws} handshake go. */
  public record Gateway(String host, int port, boolean tls) {
    static Gateway parse(String url) {
      URI uri = URI.create(url.trim());
      boolean tls = "https".equals(uri.getScheme()) || "wss".equals(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("not a gateway URL: " + url);
      }
      return new Gateway(uri.getHost(), port, tls);
    }
  }

  private final List<Gateway> list;

  private Gateways(List<Gateway> list) {
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no gateway");
    }
    this.list = List.copyOf(list);
  }

  /** From base URLs such as {@code http://127.0.0.1:8080}. */
  public static Gateways of(List<String> urls) {
    List<Gateway> parsed = new ArrayList<>();
    for (String url : urls) {
      parsed.add(Gateway.parse(url));
    }
    return new Gateways(parsed);
  }

  public static Gateways of(String... urls) {
    return of(List.of(urls));
  }

  public int size() {
    return list.size();
  }

  public Gateway get(int index) {
    return list.get(Math.floorMod(index, list.size()));
  }

  /** The index after {@code index}, wrapping around. */
  public int next(int index) {
    return Math.floorMod(index + 1, list.size());
  }

  /** Only the gateway at {@code index}: to pin connections to one node. */
  public Gateways only(int index) {
    return new Gateways(List.of(get(index)));
  }
}
