package dev.parley.loadgen.fanout;

import dev.parley.client.ClientOptions;
import dev.parley.client.Connection;
import dev.parley.client.ConnectionOptions;
import dev.parley.client.Event;
import dev.parley.client.Gateways;
import dev.parley.client.ParleyClient;
import dev.parley.client.Rest;
import dev.parley.client.Tokens;
import dev.parley.loadgen.Progress;
import dev.parley.loadgen.ServerProcesses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fanout against Parley, over its public API only: users with HS256 tokens, groups made over
 * REST (up to 999 members at creation, the rest added one by one), one {@link Connection} per
 * member connection spread over the gateways, sends retried until acked.
 */
public final class ParleyFanout implements FanoutSystem {
  /**
   * How long one set-up wave may take: a wave that builds a 10,000-member group adds 9,000 members
   * one by one (each a system message and an event to every member), minutes on a busy 2-core
   * machine; progress is printed meanwhile.
   */
  private static final Duration SETUP = Duration.ofMinutes(30);

  private final Vertx vertx;
  private final Gateways gateways;
  private final Tokens tokens;
  private final Path root;
  private final String runId;
  private final boolean follow;
  private final List<String> localAddresses;
  private ParleyClient client;
  private Connection[] connections;
  private String[] conversations;
  private int membersPerGroup;
  private int connectionCount;

  /**
   * @param follow whether connections resume their groups from history after a reconnect (one
   *     history read per group and connection at each connect)
   */
  public ParleyFanout(
      Vertx vertx,
      List<String> gatewayUrls,
      String jwtSecret,
      Path root,
      String runId,
      boolean follow,
      List<String> localAddresses) {
    this.vertx = vertx;
    this.gateways = Gateways.of(gatewayUrls);
    this.tokens = new Tokens(jwtSecret, Duration.ofHours(12));
    this.root = root;
    this.runId = runId;
    this.follow = follow;
    this.localAddresses = localAddresses;
  }

  @Override
  public String name() {
    return "parley";
  }

  String user(int i) {
    return "lg-" + runId + "-u" + i;
  }

  int member(int group, int j) {
    return (group * membersPerGroup + j) % connectionCount;
  }

  @Override
  public void open(int connections, int groups, int membersPerGroup, Receiver.PhaseClock clock)
      throws Exception {
    this.connectionCount = connections;
    this.membersPerGroup = membersPerGroup;
    client =
        new ParleyClient(
            vertx, ClientOptions.defaults(gateways).withLocalAddresses(localAddresses));
    conversations = new String[groups];
    lastSeqs = new long[groups];
    Blocking.inWaves(
        groups,
        8,
        SETUP,
        g -> createGroup(g).onSuccess(id -> conversations[g] = id).compose(id -> lastSeq(g, id)));
    List<List<Integer>> groupsOf = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      groupsOf.add(new ArrayList<>());
    }
    for (int g = 0; g < groups; g++) {
      for (int j = 0; j < membersPerGroup; j++) {
        List<Integer> of = groupsOf.get(member(g, j));
        if (!of.contains(g)) {
          of.add(g);
        }
      }
    }
    this.connections = new Connection[connections];
    Blocking.inWaves(
        connections,
        500,
        SETUP,
        i -> {
          Receiver receiver = new Receiver(clock);
          ConnectionOptions o =
              ConnectionOptions.of(user(i), tokens.forUser(user(i), null))
                  .firstGateway(i % gateways.size())
                  .onEvent(
                      e -> {
                        if (e instanceof Event.MessageNew m && m.content() != null) {
                          receiver.onContent(m.content(), m.seq(), System.nanoTime());
                        }
                      });
          if (follow) {
            for (int g : groupsOf.get(i)) {
              o.follow(conversations[g], lastSeqs[g]);
            }
          }
          this.connections[i] = client.connect(o);
          return this.connections[i].ready();
        });
  }

  /** Where each group's history ended once it was set up. */
  private long[] lastSeqs;

  private Future<String> createGroup(int g) {
    int owner = member(g, 0);
    String ownerToken = tokens.forUser(user(owner), null);
    Set<String> others = new LinkedHashSet<>();
    for (int j = 1; j < membersPerGroup; j++) {
      others.add(user(member(g, j)));
    }
    others.remove(user(owner));
    List<String> all = new ArrayList<>(others);
    List<String> first = all.subList(0, Math.min(999, all.size()));
    List<String> rest = all.subList(first.size(), all.size());
    Rest api = client.rest();
    return api.createGroup(g % gateways.size(), ownerToken, "lg-" + runId + "-g" + g, first)
        .map(c -> c.getString("id"))
        .compose(id -> addRest(api, ownerToken, id, rest).map(id));
  }

  /**
   * Members past the 999 a create takes: added one by one, 8 at a time (each add takes the
   * conversation's lock, so more in parallel only queue there). An add the server answers {@code
   * unavailable} (a lock or pool timeout on a loaded machine) is retried: adding a member twice
   * changes nothing.
   */
  private Future<Void> addRest(Rest api, String ownerToken, String id, List<String> rest) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < rest.size(); from += 8) {
      List<String> wave = rest.subList(from, Math.min(rest.size(), from + 8));
      chain =
          chain.compose(
              v -> {
                List<Future<Void>> adds = new ArrayList<>();
                for (int k = 0; k < wave.size(); k++) {
                  int node = k % gateways.size();
                  String user = wave.get(k);
                  adds.add(
                      Blocking.retryUnavailable(
                          vertx, () -> api.addMember(node, ownerToken, id, user).mapEmpty()));
                }
                return Future.all(adds).mapEmpty();
              });
      int done = from + wave.size();
      if (done % 1_000 < 8 || done == rest.size()) {
        chain =
            chain.onSuccess(
                v ->
                    Progress.say(
                        "group "
                            + id
                            + ": "
                            + (1_000 + done) // the owner and the 999 the create took, then these
                            + " members"));
      }
    }
    return chain;
  }

  /** The seq a group's history ends at now (its system messages): connections follow from there. */
  private Future<Long> lastSeq(int g, String id) {
    return client
        .rest()
        .newestMessages(0, tokens.forUser(user(member(g, 0)), null), id, 1)
        .map(
            page -> {
              JsonArray items = page.getJsonArray("items", new JsonArray());
              long seq = items.isEmpty() ? 0 : items.getJsonObject(items.size() - 1).getLong("seq");
              lastSeqs[g] = seq;
              return seq;
            });
  }

  @Override
  public void send(int group, String content, Phase phase) {
    connections[member(group, 0)]
        .send(conversations[group], content)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                phase.acked(ar.result().latencyNanos());
              } else {
                phase.failed(ar.cause());
              }
            });
  }

  @Override
  public Map<String, Double> cpuSeconds() {
    return ServerProcesses.find(root).cpuSeconds();
  }

  @Override
  public Map<String, Long> rssKib() {
    return ServerProcesses.find(root).rssKib();
  }

  @Override
  public int reconnects() {
    int n = 0;
    for (Connection c : connections) {
      n += c == null ? 0 : c.reconnects();
    }
    return n;
  }

  /** The connections, for scenarios that look at them (biggroup, idle). */
  Connection[] connections() {
    return connections;
  }

  @Override
  public void close() {
    if (connections != null) {
      List<Future<Void>> closing = new ArrayList<>();
      for (Connection c : connections) {
        if (c != null) {
          closing.add(c.close());
        }
      }
      try {
        Blocking.await(Future.join(closing), Duration.ofSeconds(30));
      } catch (Exception e) {
        // closing is best effort: the process ends next
      }
    }
    if (client != null) {
      client.close();
    }
  }
}
