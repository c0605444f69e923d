package dev.parley.loadgen.idle;

import dev.parley.client.ClientOptions;
import dev.parley.client.Connection;
import dev.parley.client.ConnectionOptions;
import dev.parley.client.Gateways;
import dev.parley.client.ParleyClient;
import dev.parley.client.Tokens;
import dev.parley.loadgen.LoadgenSelf;
import dev.parley.loadgen.Progress;
import dev.parley.loadgen.RunSettings;
import dev.parley.loadgen.Scenario;
import dev.parley.loadgen.ScenarioResult;
import dev.parley.loadgen.ServerProcesses;
import dev.parley.loadgen.fanout.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code idle}: N authenticated connections held open on one gateway (all pinned to it), and what
 * each costs that gateway: resident memory and live heap after a full GC, before and after, over
 * N. Beyond about 28,000 connections one source address runs out of ports, so connections are
 * spread over 127.0.0.1, 127.0.0.2, …; the open-file limits of this process and of the gateway
 * are checked first.
 */
public final class IdleScenario implements Scenario {
  private static final int PORTS_PER_ADDRESS = 25_000;

  @Override
  public String name() {
    return "idle";
  }

  @Override
  public String usage() {
    return "idle        gateway memory per idle connection: connections=5000 gateway=0"
        + " per_user=10 hold=15";
  }

  @Override
  public ScenarioResult run(RunSettings s) throws Exception {
    int n = s.integer("connections", 5000);
    int gatewayIndex = s.integer("gateway", 0);
    int perUser = s.integer("per_user", 10);
    Duration hold = s.duration("hold", Duration.ofSeconds(15));
    String gatewayName = "gateway-" + (gatewayIndex + 1);
    long[] pids = ServerProcesses.find(s.root()).groups().get(gatewayName);
    if (pids == null || pids.length == 0) {
      throw new IllegalStateException(
          "no " + gatewayName + " process under " + s.root().resolve(".run") + " to measure");
    }
    long pid = pids[0];
    checkFileLimit("this load generator", ProcessHandle.current().pid(), n);
    checkFileLimit(gatewayName, pid, n);

    List<String> locals = new ArrayList<>();
    for (int i = 0; i < (n + PORTS_PER_ADDRESS - 1) / PORTS_PER_ADDRESS; i++) {
      locals.add("127.0.0." + (i + 1));
    }
    ScenarioResult r = new ScenarioResult();
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10_000));
    LoadgenSelf self = new LoadgenSelf(vertx);
    ParleyClient client =
        new ParleyClient(
            vertx,
            ClientOptions.defaults(Gateways.of(s.gateways()).only(gatewayIndex))
                .withLocalAddresses(locals.size() > 1 ? locals : List.of()));
    try {
      Progress.say("idle: " + gatewayName + " before: full GC, heap and RSS");
      long heapBefore = JvmProbe.liveHeapKib(pid);
      long rssBefore = ServerProcesses.rssKibOf(pid);
      Tokens tokens = new Tokens(s.jwtSecret(), Duration.ofHours(12));
      String run = Long.toString(System.currentTimeMillis(), 36);
      AtomicInteger ended = new AtomicInteger();
      List<Connection> open = new ArrayList<>(n);
      String[] tokenOf = new String[(n + perUser - 1) / perUser];
      Progress.say(
          "idle: opening "
              + n
              + " connections to "
              + gatewayName
              + " from "
              + locals.size()
              + " source address(es)");
      long start = System.nanoTime();
      self.mark();
      Blocking.inWaves(
          n,
          1000,
          Duration.ofMinutes(5),
          i -> {
            int user = i / perUser;
            if (tokenOf[user] == null) {
              tokenOf[user] = tokens.forUser("lg-" + run + "-idle" + user, null);
            }
            Connection c =
                client.connect(
                    ConnectionOptions.of("lg-" + run + "-idle" + user, tokenOf[user])
                        .onEnded(e -> ended.incrementAndGet()));
            open.add(c);
            return c.ready();
          });
      double connectSeconds = (System.nanoTime() - start) / 1e9;
      Progress.say(
          "idle: "
              + n
              + " open in "
              + Math.round(connectSeconds)
              + " s; holding "
              + hold.toSeconds()
              + " s");
      Thread.sleep(hold.toMillis()); // what is measured is the connections sitting idle this long
      long heapAfter = JvmProbe.liveHeapKib(pid);
      long rssAfter = ServerProcesses.rssKibOf(pid);
      self.report(r, "");
      double rssPer = (rssAfter - rssBefore) / (double) n;
      r.figure("connections", n)
          .figure("connect_seconds", round(connectSeconds))
          .figure("connections_per_s", Math.round(n / connectSeconds))
          .figure("ended_while_held", ended.get())
          .figure("gateway_rss_mib_before", round(rssBefore / 1024.0))
          .figure("gateway_rss_mib_after", round(rssAfter / 1024.0))
          .figure("gateway_rss_kib_per_connection", round(rssPer));
      if (heapBefore >= 0 && heapAfter >= 0) {
        r.figure("gateway_heap_kib_per_connection", round((heapAfter - heapBefore) / (double) n));
        r.figure("gateway_live_heap_mib_after", round(heapAfter / 1024.0));
      } else {
        r.note("jcmd could not reach " + gatewayName + " (pid " + pid + "): no heap figures");
      }
      r.target(
          "gateway RSS per idle connection ≤ 4 KiB (the target is set at 50,000 connections)",
          "gateway_rss_kib_per_connection",
          rssPer,
          true,
          4);
      r.target("no connection dropped while idle", "ended_while_held", ended.get(), true, 0);
      r.note(
          "all connections on "
              + gatewayName
              + " ("
              + s.gateways().get(gatewayIndex)
              + "), "
              + perUser
              + " per user; heap is live heap after a full GC (jcmd GC.run, GC.heap_info); RSS"
              + " includes heap the JVM grew and keeps, so it depends on the gateway's -Xms/-Xmx");
      List<Future<Void>> closing = new ArrayList<>();
      open.forEach(c -> closing.add(c.close()));
      Blocking.await(Future.join(closing), Duration.ofMinutes(2));
    } finally {
      self.close();
      client.close();
      vertx.close();
    }
    return r;
  }

  private static void checkFileLimit(String who, long pid, int connections) {
    long limit = JvmProbe.openFilesLimit(pid);
    if (limit >= 0 && limit < connections + 500L) {
      throw new IllegalStateException(
          who
              + " (pid "
              + pid
              + ") may open "
              + limit
              + " files, too few for "
              + connections
              + " connections: raise `ulimit -n` (and the hard limit, /etc/security/limits.conf or"
              + " the container's nofile) before starting it, or ask for fewer connections");
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
