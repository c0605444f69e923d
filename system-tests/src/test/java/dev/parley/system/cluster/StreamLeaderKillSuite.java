package dev.parley.system.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ClientOptions;
import dev.parley.client.Connection;
import dev.parley.client.ConnectionOptions;
import dev.parley.client.Event;
import dev.parley.client.Gateways;
import dev.parley.client.ParleyClient;
import dev.parley.client.Rest;
import dev.parley.system.cluster.PacedSenders.Acked;
import dev.parley.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The cluster of {@code make cluster} (scripts/cluster.sh: three clustered nats-servers with the
 * stream on all three, HAProxy over three gateways, two workers, two presence nodes) loses no
 * acknowledged message when the NATS server leading the stream is killed with SIGKILL under load.
 * Clients connect only through HAProxy and retry each send under its one {@code client_msg_id};
 * afterwards history (REST) must hold every acked message once, in order, and every member must
 * have seen each once. Run by {@code make test-faults} (Maven profile {@code cluster}); the figures
 * go to target/cluster/leader-kill.md and docs/reliability.md.
 */
class StreamLeaderKillSuite {
  private static final int GROUPS = 3;
  private static final int MEMBERS = 4;
  private static final long SEND_PERIOD_MILLIS =
      300; // 12 senders: 40 msg/s in all, as the fault suite
  private static final int WARM_UP_ACKS_PER_SENDER = 10;
  private static final int ACKS_PER_SENDER_AFTER = 20;

  private final Path root =
      Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
  private final Map<String, List<Long>> seen = new ConcurrentHashMap<>();
  private final Map<String, List<String>> members = new HashMap<>();
  private final Map<String, String> ownerTokens = new HashMap<>();

  @Test
  void killingTheStreamLeaderLosesNoAcknowledgedMessage() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ClusterScript cluster =
        ClusterScript.up(
            root,
            Path.of("target/cluster/run").toAbsolutePath(),
            Integer.getInteger("parley.cluster.portBase", 18500),
            Integer.getInteger("parley.cluster.natsPortBase", 14520))) {
      ParleyClient client =
          new ParleyClient(vertx, ClientOptions.defaults(Gateways.of(cluster.url())));
      PacedSenders load = new PacedSenders(vertx, SEND_PERIOD_MILLIS);
      connectAndSend(client, load);
      int senders = GROUPS * MEMBERS;
      Await.until(
          "warm-up acks",
          Duration.ofSeconds(60),
          () -> load.acked().size() >= senders * WARM_UP_ACKS_PER_SENDER);

      StreamLeader leaders = new StreamLeader(3, cluster::monitorPort);
      // polled, not read once: on a loaded machine a server may answer late, or an election run
      String killed =
          Await.until(
              () -> leaders.current().orElse(null),
              System.nanoTime() + Duration.ofSeconds(30).toNanos(),
              () -> "no server reports itself the stream's leader");
      long pid = cluster.pid(killed);
      assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
      long killNanos = System.nanoTime(); // SIGKILL is delivered when kill returns
      String elected =
          Await.until(
              () -> leaders.current().filter(name -> !name.equals(killed)).orElse(null),
              killNanos + Duration.ofSeconds(60).toNanos(),
              () -> "no new stream leader after " + killed + " was killed");
      long electedNanos = System.nanoTime();

      Await.until(
          "sends begun after the kill acknowledged",
          Duration.ofSeconds(90),
          () -> load.ackedStartedAfter(killNanos) >= (long) senders * ACKS_PER_SENDER_AFTER);
      load.stop().await();
      List<Acked> acked = load.acked();
      Await.until(
          "every member saw every acknowledged message",
          Duration.ofSeconds(30),
          () -> HistoryCheck.everyMemberSawEverything(acked, seen, members));
      HistoryCheck check = HistoryCheck.of(acked, readHistory(client.rest()), seen, members);

      String row =
          row(acked, check, killNanos, electedNanos)
              + " | "
              + killed
              + " killed, "
              + elected
              + " took over |";
      writeTable(row, killed);

      assertThat(load.failures()).as("sends that failed for good").isEmpty();
      assertThat(check.examples).as("what history and the members hold").isEmpty();
      assertThat(check.lost).isZero();
      assertThat(check.storedTwice).isZero();
      assertThat(check.outOfOrder).isZero();
      assertThat(check.clientGaps).isZero();
    } finally {
      vertx.close().await();
    }
  }

  /** Three groups of four, every member connected through HAProxy and sending. */
  private void connectAndSend(ParleyClient client, PacedSenders load) {
    String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    Rest rest = client.rest();
    List<Future<Void>> ready = new ArrayList<>();
    Map<Connection, String[]> senders = new HashMap<>();
    for (int g = 0; g < GROUPS; g++) {
      List<String> users = new ArrayList<>();
      for (int m = 0; m < MEMBERS; m++) {
        users.add("lk" + run + "-g" + g + "-u" + m);
      }
      List<String> tokens = new ArrayList<>();
      for (String user : users) {
        tokens.add(rest.devToken(0, user, user).await());
      }
      String conversation =
          rest.createGroup(0, tokens.get(0), "leader-kill " + g, users.subList(1, MEMBERS))
              .await()
              .getString("id");
      members.put(conversation, users);
      ownerTokens.put(conversation, tokens.get(0));
      for (int m = 0; m < MEMBERS; m++) {
        String key = users.get(m) + "/" + conversation;
        List<Long> mine = new CopyOnWriteArrayList<>();
        seen.put(key, mine);
        Connection c =
            client.connect(
                ConnectionOptions.of(users.get(m), tokens.get(m))
                    .follow(conversation, 0)
                    .onEvent(
                        e -> {
                          if (e instanceof Event.MessageNew msg && msg.clientMsgId() != null) {
                            mine.add(msg.seq());
                          }
                        }));
        ready.add(c.ready());
        senders.put(c, new String[] {users.get(m), conversation});
      }
    }
    Future.all(ready).await();
    senders.forEach((c, who) -> load.start(who[0], c, who[1]));
  }

  /** Each conversation's whole history, oldest first, through HAProxy. */
  private Map<String, List<JsonObject>> readHistory(Rest rest) {
    Map<String, List<JsonObject>> history = new HashMap<>();
    ownerTokens.forEach(
        (conversation, token) -> {
          List<JsonObject> items = new ArrayList<>();
          long after = 0;
          while (true) {
            long from = after;
            JsonObject page =
                Await.until(
                    () -> {
                      try {
                        return rest.messagesAfter(0, token, conversation, from, 100).await();
                      } catch (RuntimeException e) {
                        return null; // 503 while a read cannot be answered yet: read again
                      }
                    },
                    System.nanoTime() + Duration.ofSeconds(30).toNanos(),
                    () -> "history of " + conversation + " after seq " + from);
            JsonArray got = page.getJsonArray("items");
            for (int i = 0; i < got.size(); i++) {
              items.add(got.getJsonObject(i));
            }
            if (!page.getBoolean("has_more", false) || got.isEmpty()) {
              break;
            }
            after = items.get(items.size() - 1).getLong("seq");
          }
          history.put(conversation, items);
        });
    return history;
  }

  static final String HEADER =
      "| sends acked | acked but lost | stored twice | out of order | client gaps | leader elected"
          + " after | first ack of a send begun after the kill | longest time without an ack | retries"
          + " | notes |\n"
          + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";

  private static String row(
      List<Acked> acked, HistoryCheck check, long killNanos, long electedNanos) {
    long firstAck =
        acked.stream()
            .filter(a -> a.sent().startedNanos() > killNanos)
            .mapToLong(a -> a.sent().ackedNanos())
            .min()
            .orElse(Long.MAX_VALUE);
    long[] ackTimes = acked.stream().mapToLong(a -> a.sent().ackedNanos()).sorted().toArray();
    long silence = 0;
    for (int i = 1; i < ackTimes.length; i++) {
      if (ackTimes[i] > killNanos) {
        silence = Math.max(silence, ackTimes[i] - Math.max(ackTimes[i - 1], killNanos));
      }
    }
    int retries = acked.stream().mapToInt(a -> a.sent().attempts() - 1).sum();
    return "| "
        + acked.size()
        + " | "
        + check.lost
        + " | "
        + check.storedTwice
        + " | "
        + check.outOfOrder
        + " | "
        + check.clientGaps
        + " | "
        + seconds(electedNanos - killNanos)
        + " | "
        + seconds(firstAck - killNanos)
        + " | "
        + seconds(silence)
        + " | "
        + retries;
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private static void writeTable(String row, String killed) throws java.io.IOException {
    String text =
        "Run "
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + "; "
            + GROUPS * MEMBERS
            + " clients in groups of "
            + MEMBERS
            + " through HAProxy, "
            + Math.round(GROUPS * MEMBERS * 1000.0 / SEND_PERIOD_MILLIS)
            + " msg/s in all; kill -9 of the stream leader ("
            + killed
            + ")\n\n"
            + HEADER
            + "\n"
            + row
            + "\n";
    Path out = Path.of("target/cluster/leader-kill.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, text);
    System.out.println(text);
  }
}
