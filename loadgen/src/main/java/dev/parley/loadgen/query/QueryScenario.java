package dev.parley.loadgen.query;

import dev.parley.loadgen.RunSettings;
import dev.parley.loadgen.Scenario;
import dev.parley.loadgen.ScenarioResult;
import dev.parley.loadgen.ServerProcesses;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * History pages, the conversation list and search, read over REST from a database seeded with
 * {@code messages} messages in {@code conversations} conversations ({@link QuerySeed}), while
 * writers send {@code rate} messages a second into seeded conversations through the gateways.
 *
 * <p>Phases, each {@code duration} long, the writers running throughout: writes alone (what
 * Postgres and the gateways spend on them, subtracted from the phases after), then one kind of read
 * each: the newest history page, a page before a random seq, the conversation list, a search.
 * Each read phase runs {@code concurrency} requests at a time (closed loop) as random seeded users
 * over their own conversations. Its CPU per read is the phase's CPU less the writes-alone rate, per
 * answered read: Postgres counted on the database's own backends.
 */
public final class QueryScenario implements Scenario {
  static final int PAGE = 50;
  static final int SEARCH_LIMIT = 20;

  @Override
  public String name() {
    return "query";
  }

  @Override
  public String usage() {
    return "query        history, conversation list and search latency on a seeded history under writes:"
        + " messages=200000 conversations=2000 (the target's size: 1000000/10000) rate=1000 writers=100"
        + " concurrency=4 duration=15s warmup=30s reseed=false";
  }

  @Override
  public ScenarioResult run(RunSettings settings) throws Exception {
    int messages = settings.integer("messages", 200_000);
    int conversations = settings.integer("conversations", 2_000);
    double rate = settings.decimal("rate", 1000);
    int writerCount = settings.integer("writers", 100);
    int concurrency = settings.integer("concurrency", 4);
    double seconds = settings.duration("duration", Duration.ofSeconds(15)).toMillis() / 1000.0;
    // 30 s, as fanout: a freshly started cluster spends its first minute mostly compiling (the JIT
    // took half of each gateway's CPU in the first 10 s), which is not what a read costs
    double warmup = settings.duration("warmup", Duration.ofSeconds(30)).toMillis() / 1000.0;
    boolean reseed = Boolean.parseBoolean(settings.text("reseed", "false"));
    List<String> gateways = settings.gateways();

    Vertx vertx = Vertx.vertx();
    WebClient http =
        WebClient.create(
            vertx,
            new WebClientOptions().setKeepAlive(true).setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(64));
    // the readers' own connections: sharing the writers' pool, a read waited in this process behind
    // every send queued for a connection (thousands when the server falls behind), and its latency
    // was the writers' queue, not the server's answer
    WebClient readHttp =
        WebClient.create(
            vertx,
            new WebClientOptions().setKeepAlive(true).setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(2 * concurrency));
    ScenarioResult result = new ScenarioResult();
    try {
      QuerySeed seed = new QuerySeed(vertx, settings);
      QuerySeed.Outcome seeded = seed.ensure(messages, conversations, reseed);
      SeededData data = seeded.data();
      System.out.printf(
          "query: seed %s (%.0f s): %d conversations, %d users%n",
          seeded.how(), seeded.seconds(), data.conversations().size(), data.users().size());
      result
          .figure("seed_seconds", Math.round(seeded.seconds()))
          .note(
              "seed "
                  + seeded.how()
                  + ": "
                  + messages
                  + " messages, "
                  + conversations
                  + " conversations");

      List<PacedWriter.Writer> writers = new ArrayList<>();
      for (SeededData.Conversation c : data.writerConversations(writerCount)) {
        writers.add(new PacedWriter.Writer(c.createdBy(), c.id(), c.lastSeq()));
      }
      long seededHead =
          writers.stream().mapToLong(PacedWriter.Writer::seededLastSeq).max().orElse(0);
      seed.warmupConversation(writers.stream().map(PacedWriter.Writer::userId).toList());
      BenchTokens tokens = new BenchTokens(settings.jwtSecret());
      PacedWriter writer = new PacedWriter(vertx, http, gateways, tokens, writers, rate);
      Reads reads = new Reads(data, new Random(7));

      // warm-up: every kind of read, the writers on the warm-up conversation until the stream's
      // sequence is past every seeded seq of the conversations they then write to
      long writeStart = System.nanoTime();
      writer.start();
      ReadLoad warm = new ReadLoad(vertx, readHttp, gateways, tokens);
      QuerySeed.await(warm.run(reads::any, concurrency, warmup));
      long waitUntil = System.nanoTime() + 120_000_000_000L;
      while (writer.highestSeq() <= seededHead && System.nanoTime() < waitUntil) {
        Thread.sleep(200);
      }
      if (writer.highestSeq() <= seededHead) {
        throw new IllegalStateException(
            "the stream's sequence ("
                + writer.highestSeq()
                + ") is still at or below the seeded seq "
                + seededHead
                + " of the writers' conversations after 2 minutes of writes: reseed=true");
      }
      writer.writeToOwnConversations();
      if (warm.failed() > 0) {
        result.note("warm-up: " + warm.summary(warmup).encode());
      }

      ServerProcesses processes =
          ServerProcesses.find(settings.root()).withBackendsOf(settings.pgDatabase());
      Map<String, Double> before = processes.cpuSeconds();
      Thread.sleep(Math.round(Math.min(seconds, 10) * 1000));
      double baselineSeconds = Math.min(seconds, 10);
      JsonObject baseline = ServerProcesses.spent(before, processes.cpuSeconds());
      result.detail("cpu_seconds_writes_alone", baseline.copy().put("seconds", baselineSeconds));

      Map<String, Supplier<ReadLoad.Read>> phases = new LinkedHashMap<>();
      phases.put("history_newest", reads::newestPage);
      phases.put("history_cursor", reads::pageByCursor);
      phases.put("list", reads::list);
      phases.put("search", reads::search);
      JsonObject detail = new JsonObject();
      Map<String, ReadLoad> loads = new LinkedHashMap<>();
      for (Map.Entry<String, Supplier<ReadLoad.Read>> phase : phases.entrySet()) {
        ReadLoad load = new ReadLoad(vertx, readHttp, gateways, tokens);
        processes = ServerProcesses.find(settings.root()).withBackendsOf(settings.pgDatabase());
        before = processes.cpuSeconds();
        long t0 = System.nanoTime();
        QuerySeed.await(load.run(phase.getValue(), concurrency, seconds));
        double took = (System.nanoTime() - t0) / 1e9;
        JsonObject cpu = ServerProcesses.spent(before, processes.cpuSeconds());
        JsonObject perRead = new JsonObject();
        for (String group : cpu.fieldNames()) {
          double beyondWrites =
              cpu.getDouble(group) - baseline.getDouble(group, 0.0) / baselineSeconds * took;
          perRead.put(
              group, load.ok() == 0 ? null : Math.round(beyondWrites / load.ok() * 1e6) / 1000.0);
        }
        JsonObject summary =
            load.summary(took)
                .put("cpu_ms_per_read_beyond_writes", perRead)
                .put("cpu_seconds", cpu);
        detail.put(phase.getKey(), summary);
        loads.put(phase.getKey(), load);
        String name = phase.getKey();
        result
            .figure(name + "_p50_ms", load.p50Ms())
            .figure(name + "_p99_ms", load.p99Ms())
            .figure(name + "_max_ms", load.maxMs())
            .figure(name + "_per_s", Math.round(load.ok() / took))
            .figure(name + "_failed", load.failed())
            .figure(
                name + "_postgres_cpu_ms_per_read",
                perRead.getValue("postgres:" + settings.pgDatabase()));
        System.out.printf("query: %s %s%n", name, summary.encode());
      }
      writer.stop();
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
      Thread.sleep(2000); // the last sends' answers
      JsonObject writes = writer.summary(writeSeconds);
      detail.put("writes", writes);
      result
          .detail("phases", detail)
          .figure("writes_acked_per_s", writes.getLong("acked_per_s"))
          .figure("writes_ack_p99_ms", writes.getDouble("ack_p99_ms"))
          .figure("writes_failed", writes.getLong("failed"));

      result
          .target(
              "history page p99 (newest)",
              "history_newest_p99_ms",
              loads.get("history_newest").p99Ms(),
              true,
              10)
          .target(
              "history page p99 (by cursor)",
              "history_cursor_p99_ms",
              loads.get("history_cursor").p99Ms(),
              true,
              10)
          .target("conversation list p99", "list_p99_ms", loads.get("list").p99Ms(), true, 10)
          .target("search p99", "search_p99_ms", loads.get("search").p99Ms(), true, 50);
      if (writer.behind() > 0) {
        result.limitedBy(
            writer.behind() + " sends went out more than a second late or not at all (pacing)");
      }
      if (writer.seqAtOrBelowSeed() > 0) {
        result.note(
            writer.seqAtOrBelowSeed()
                + " sends got a seq at or below their conversation's seeded head: not stored");
      }
      result.note(
          "writes: "
              + writers.size()
              + " users at "
              + Math.round(rate / writers.size() * 10) / 10.0
              + "/s each (PARLEY_SEND_RATE_PER_SECOND must be at least that; default 20)");
      return result;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  /** What each kind of read asks, for random seeded users, over their own conversations. */
  static final class Reads {
    private final SeededData data;
    private final Map<String, SeededData.Conversation> byId;
    private final List<String> users;
    private final Random random;

    Reads(SeededData data, Random random) {
      this.data = data;
      this.byId = data.byId();
      this.users = data.users();
      this.random = random;
    }

    synchronized ReadLoad.Read newestPage() {
      String user = user();
      return new ReadLoad.Read(user, messagesPath(conversationOf(user)) + "?limit=" + PAGE);
    }

    synchronized ReadLoad.Read pageByCursor() {
      String user = user();
      SeededData.Conversation c = byId.get(conversationOf(user));
      long before = 2 + (long) (random.nextDouble() * Math.max(1, c.lastSeq() - 1));
      return new ReadLoad.Read(
          user, messagesPath(c.id()) + "?before_seq=" + before + "&limit=" + PAGE);
    }

    synchronized ReadLoad.Read list() {
      return new ReadLoad.Read(user(), "/api/v1/conversations?limit=" + PAGE);
    }

    synchronized ReadLoad.Read search() {
      String q = Words.QUERIES.get(random.nextInt(Words.QUERIES.size()));
      return new ReadLoad.Read(
          user(),
          "/api/v1/search/messages?limit="
              + SEARCH_LIMIT
              + "&q="
              + URLEncoder.encode(q, StandardCharsets.UTF_8));
    }

    synchronized ReadLoad.Read any() {
      return switch (random.nextInt(4)) {
        case 0 -> newestPage();
        case 1 -> pageByCursor();
        case 2 -> list();
        default -> search();
      };
    }

    private String user() {
      return users.get(random.nextInt(users.size()));
    }

    private String conversationOf(String user) {
      List<String> mine = data.conversationsByUser().get(user);
      return mine.get(random.nextInt(mine.size()));
    }

    private static String messagesPath(String conversationId) {
      return "/api/v1/conversations/" + conversationId + "/messages";
    }
  }
}
