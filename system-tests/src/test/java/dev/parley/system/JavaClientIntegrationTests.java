package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ClientOptions;
import dev.parley.client.Connection;
import dev.parley.client.ConnectionOptions;
import dev.parley.client.Event;
import dev.parley.client.Gateways;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.testing.Await;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Java client of docs/clients.md against two real gateways: sends retried under one
 * client_msg_id across a dropped connection, and a follower that resumes from history after its
 * connection drops, seeing every message once, in order.
 */
class JavaClientIntegrationTests extends OnTwoNodes {
  JavaClientIntegrationTests(TestEnvironment env) {
    super(env);
  }

  private Gateways gateways() {
    return Gateways.of(nodes.cluster.baseUrl(0), nodes.cluster.baseUrl(1));
  }

  @Test
  void aFollowerThatDropsResumesWithNoGapAndNoDuplicateWhileSendsAreRetriedUntilAcked()
      throws Exception {
    Cast cast = cast("java-client");
    ParleyClient senderClient = new ParleyClient(nodes.vertx, ClientOptions.defaults(gateways()));
    // the follower waits long before reconnecting, so messages are surely sent while it is away
    ClientOptions slowReconnect =
        new ClientOptions(
            gateways(),
            List.of(),
            Duration.ofSeconds(10),
            Duration.ofMinutes(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3),
            Duration.ofSeconds(10));
    ParleyClient followerClient = new ParleyClient(nodes.vertx, slowReconnect);

    List<Event.MessageNew> seen = new CopyOnWriteArrayList<>();
    List<Connection.Ended> ends = new CopyOnWriteArrayList<>();
    Connection bob =
        followerClient.connect(
            ConnectionOptions.of(cast.bob(), cast.bobToken())
                .firstGateway(1)
                .follow(cast.conversationId(), 0)
                .onEnded(ends::add)
                .onEvent(
                    e -> {
                      if (e instanceof Event.MessageNew m) {
                        seen.add(m);
                      }
                    }));
    Connection alice =
        senderClient.connect(ConnectionOptions.of(cast.alice(), cast.aliceToken()).firstGateway(0));
    Cluster.await(Future.all(bob.ready(), alice.ready()));

    List<Long> acked = new ArrayList<>();
    acked.addAll(sendAll(alice, cast.conversationId(), "before", 5));

    // alice's own connection drops with sends in flight: they are sent again, same client_msg_id
    List<Future<Sent>> inFlight = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inFlight.add(alice.send(cast.conversationId(), "across-drop-" + i, "across-drop-" + i));
    }
    alice.drop();
    Cluster.await(Future.all(inFlight));
    for (Future<Sent> f : inFlight) {
      acked.add(f.result().seq());
    }

    // bob drops; while he is away, alice sends; then he reconnects and resumes
    bob.drop();
    Await.until("bob's connection ended", Duration.ofSeconds(10), () -> !ends.isEmpty());
    acked.addAll(sendAll(alice, cast.conversationId(), "while-away", 5));
    acked.addAll(sendAll(alice, cast.conversationId(), "after", 5));

    Await.until(
        "bob has every acked message",
        Duration.ofSeconds(30),
        () -> seen.stream().map(Event.MessageNew::seq).toList().containsAll(acked));
    List<Long> seqs = seen.stream().map(Event.MessageNew::seq).toList();
    assertThat(seqs).as("each message once, in seq order").isSorted().doesNotHaveDuplicates();
    assertThat(seqs).containsExactlyElementsOf(acked.stream().sorted().toList());
    assertThat(seen).as("what was sent while away came from history").anyMatch(m -> m.replayed());
    assertThat(bob.reconnects()).isEqualTo(1);
    assertThat(alice.reconnects()).isEqualTo(1);
    // one stored message per client_msg_id, whatever the attempts
    List<Rows.Stored> stored =
        Rows.awaitCount(pool(), cast.conversationId(), acked.size(), Duration.ofSeconds(20));
    assertThat(stored).hasSize(acked.size());

    Cluster.await(Future.all(bob.close(), alice.close()));
    Cluster.await(Future.all(senderClient.close(), followerClient.close()));
  }

  private static List<Long> sendAll(Connection c, String conversationId, String prefix, int n)
      throws Exception {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Sent sent =
          c.send(conversationId, prefix + "-" + i)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      seqs.add(sent.seq());
    }
    return seqs;
  }
}
