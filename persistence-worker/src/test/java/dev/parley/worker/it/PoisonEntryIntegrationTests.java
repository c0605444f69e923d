package dev.parley.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import dev.parley.worker.PersistenceWorker;
import io.nats.client.impl.Headers;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Entries that can never be stored are set aside; the stream keeps flowing past them. */
@ExtendWith(ParleyExtension.class)
class PoisonEntryIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx = Vertx.vertx();
  private final Chat chat;
  private final Workers workers;

  PoisonEntryIntegrationTests(TestEnvironment env) throws Exception {
    this.chat = new Chat(env, vertx);
    this.workers = new Workers(env, vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    workers.close();
    chat.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void poisonEntriesGoToUndeliverableEventsAndLaterEntriesAreStored() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    String subject = chat.subjects.streamMessages(conversation);
    List<Long> good = new ArrayList<>();
    good.add(chat.send(conversation, alice, "one"));
    long garbage = chat.publishRaw(subject, new Headers(), "{this is not json");
    ChatMessage video = Chat.draft(conversation, alice, "a video", "client-video");
    long rejected = chat.publishRaw(subject, new Headers(),
        video.toDraftJson().put("type", "video").encode()); // the schema's CHECK refuses it: SQLSTATE 23514
    good.add(chat.send(conversation, alice, "two"));
    good.add(chat.send(conversation, alice, "three"));

    PersistenceWorker worker = workers.start();

    Await.until("good ones stored", TIMEOUT, () -> chat.messageCount(conversation) == 3);
    Await.until("everything acked", TIMEOUT, chat::consumerDrained);
    chat.assertChain(conversation, good);
    List<Row> setAside = new ArrayList<>();
    chat.await(chat.pool.query("SELECT stream_seq, subject, payload, reason FROM undeliverable_events ORDER BY stream_seq")
        .execute()).forEach(setAside::add);
    assertThat(setAside).extracting(r -> r.getLong("stream_seq")).containsExactly(garbage, rejected);
    assertThat(setAside.get(0).getString("payload")).isEqualTo("{this is not json");
    assertThat(setAside.get(0).getString("reason")).startsWith("undecodable: ");
    assertThat(setAside.get(0).getString("subject")).isEqualTo(subject);
    assertThat(setAside.get(1).getString("reason")).startsWith("rejected: ").contains("23514");
    assertThat(setAside.get(1).getString("payload")).contains(video.id());
    Ops ops = new Ops(worker.port());
    assertThat(ops.metric("parley_worker_undeliverable_total{cause=\"undecodable\"}")).isEqualTo(1);
    assertThat(ops.metric("parley_worker_undeliverable_total{cause=\"rejected\"}")).isEqualTo(1);
    assertThat(ops.ready().status()).isEqualTo(200);
  }
}
