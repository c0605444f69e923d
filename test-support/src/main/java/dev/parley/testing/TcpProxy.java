package dev.parley.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A byte pump between a local port and a dependency, for failure injection: point the process under
 * test at {@link #port()}, then {@link #cut()} to make the dependency unreachable (every open
 * connection closed, every new one closed as soon as it is accepted) and {@link #restore()} to make
 * it reachable again. The port stays the same throughout, as a real address would.
 *
 * <p>Thread-safe: cut/restore may be called from a test thread or an event loop.
 */
public final class TcpProxy {

  private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);

  private final NetServer server;
  private final NetClient client;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> live = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
    this.server = vertx.createNetServer().connectHandler(this::accept);
  }

  /** Listens on a free port of 127.0.0.1 and forwards every connection to the target. */
  public static Future<TcpProxy> start(Vertx vertx, String targetHost, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, targetHost, targetPort);
    return proxy.server.listen(0, "127.0.0.1").map(s -> proxy);
  }

  public int port() {
    return server.actualPort();
  }

  public String host() {
    return "127.0.0.1";
  }

  public boolean isCut() {
    return cut;
  }

  /** Closes every open connection and refuses new ones until {@link #restore()}. */
  public Future<Void> cut() {
    cut = true;
    return closeAll();
  }

  public void restore() {
    cut = false;
  }

  /** Stops listening and closes every connection. */
  public Future<Void> close() {
    cut = true;
    return closeAll().transform(ignored -> server.close()).transform(ignored -> client.close());
  }

  private void accept(NetSocket inbound) {
    if (cut) {
      inbound.close();
      return;
    }
    // Hold the client's bytes until the target is connected; pipeTo resumes.
    inbound.pause();
    client
        .connect(targetPort, targetHost)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn(
                    "proxy :{} cannot reach {}:{}: {}",
                    port(),
                    targetHost,
                    targetPort,
                    ar.cause().toString());
                inbound.close();
                return;
              }
              NetSocket outbound = ar.result();
              live.add(inbound);
              live.add(outbound);
              inbound.closeHandler(v -> closePair(inbound, outbound));
              outbound.closeHandler(v -> closePair(inbound, outbound));
              if (cut) {
                // cut() ran while we were connecting: it did not see this pair.
                closePair(inbound, outbound);
                return;
              }
              inbound.pipeTo(outbound);
              outbound.pipeTo(inbound);
            });
  }

  private void closePair(NetSocket a, NetSocket b) {
    live.remove(a);
    live.remove(b);
    a.close();
    b.close();
  }

  private Future<Void> closeAll() {
    List<Future<Void>> closing = new ArrayList<>();
    for (NetSocket s : live) {
      live.remove(s);
      closing.add(s.close());
    }
    return Future.join(closing).mapEmpty();
  }
}
