package dev.parley.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.stream.StreamLayout;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import dev.parley.worker.PersistenceWorker;
import io.nats.client.JetStreamManagement;
import io.nats.client.impl.Headers;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker in-process against the real stream and database: the send path's second half. */
@ExtendWith(ParleyExtension.class)
class PersistenceWorkerIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx = Vertx.vertx();
  private final Chat chat;
  private final Workers workers;

  PersistenceWorkerIntegrationTests(TestEnvironment env) throws Exception {
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
  void storesEveryPublishedMessageOnceWithItsSeqAndAGaplessChain() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String first = chat.group(alice, bob);
    String second = chat.group(bob, alice);
    List<Long> firstSeqs = new ArrayList<>();
    List<Long> secondSeqs = new ArrayList<>();
    // Interleaved, so each conversation's seqs are sparse in the shared stream sequence.
    for (int i = 0; i < 150; i++) {
      firstSeqs.add(chat.send(first, i % 3 == 0 ? bob : alice, "first " + i));
      if (i % 2 == 0) {
        secondSeqs.add(chat.send(second, bob, "second " + i));
      }
    }

    PersistenceWorker worker = workers.start(Map.of("PARLEY_WORKER_BATCH_MAX", "40"));

    Await.until(
        "every message stored",
        TIMEOUT,
        () -> chat.messageCount(first) == 150 && chat.messageCount(second) == 75);
    Await.until("every entry acked", TIMEOUT, chat::consumerDrained);
    chat.assertChain(first, firstSeqs);
    chat.assertChain(second, secondSeqs);
    assertThat(chat.conversationRow(first).getLong("last_seq")).isEqualTo(firstSeqs.get(149));
    assertThat(chat.conversationRow(second).getLong("last_seq")).isEqualTo(secondSeqs.get(74));
    assertThat(chat.lastRead(first, alice))
        .as("alice's own last message")
        .isEqualTo(firstSeqs.get(149));
    assertThat(chat.lastRead(first, bob))
        .as("bob's own last message")
        .isEqualTo(firstSeqs.get(147));
    assertThat(chat.lastRead(second, alice)).as("alice sent nothing there").isZero();
    assertThat(
            chat.count(
                "SELECT count(*) FROM messages WHERE conversation_id = $1 AND content = $2",
                first,
                "first 7"))
        .isEqualTo(1);

    Ops ops = new Ops(worker.port());
    assertThat(ops.ready().status()).isEqualTo(200);
    assertThat(ops.metric("parley_worker_messages_stored_total")).isEqualTo(225);
    assertThat(ops.metric("parley_worker_batches_total")).isGreaterThanOrEqualTo(6);
    assertThat(ops.metrics())
        .contains("parley_worker_batch_size_count")
        .contains("parley_worker_batch_latency_seconds_count");
    Await.until("lag gauge polled", TIMEOUT, () -> ops.metric("parley_worker_lag_messages") == 0.0);
  }

  @Test
  void redeliveredEntriesAreNotStoredTwice() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      seqs.add(chat.send(conversation, i % 2 == 0 ? alice : bob, "m" + i));
    }
    PersistenceWorker worker = workers.start();
    Await.until("stored", TIMEOUT, () -> chat.messageCount(conversation) == 60);
    Await.until("acked", TIMEOUT, chat::consumerDrained);
    workers.stop(worker);

    // Replay the whole stream: a fresh consumer delivers every entry again, as after losing the
    // acks.
    JetStreamManagement jsm = chat.nats.jetStreamManagement();
    jsm.deleteConsumer(chat.env.nats().streamName(), StreamLayout.PERSISTENCE_CONSUMER);
    PersistenceWorker replaying = workers.start();
    Ops ops = new Ops(replaying.port());
    Await.until(
        "the replay acked",
        TIMEOUT,
        () ->
            chat.consumerDrained() && ops.metric("parley_worker_messages_duplicates_total") >= 60);

    assertThat(chat.messageCount(conversation)).isEqualTo(60);
    assertThat(ops.metric("parley_worker_messages_stored_total")).isZero();
    chat.assertChain(conversation, seqs);
    assertThat(chat.conversationRow(conversation).getLong("last_seq")).isEqualTo(seqs.get(59));
  }

  @Test
  void aResendBeyondTheDuplicateWindowIsNotStoredTwice() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    ChatMessage original = Chat.draft(conversation, alice, "hello", "client-1");
    long seq = chat.publish(original);
    // Same client_msg_id, new message id, and a stream id the stream no longer remembers.
    ChatMessage resend = Chat.draft(conversation, alice, "hello again", "client-1");
    chat.publishRaw(
        chat.subjects.streamMessages(conversation),
        new Headers().put("Nats-Msg-Id", "expired-window"),
        resend.toDraftJson().encode());
    long after = chat.send(conversation, bob, "next");

    workers.start();

    Await.until("stored", TIMEOUT, () -> chat.messageCount(conversation) == 2);
    Await.until("acked", TIMEOUT, chat::consumerDrained);
    assertThat(chat.count("SELECT count(*) FROM messages WHERE id = $1", original.id()))
        .isEqualTo(1);
    chat.assertChain(conversation, List.of(seq, after));
  }

  @Test
  void aNewMessageBringsBackAHiddenDirectConversation() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String carol = chat.user("carol");
    String hiddenBefore = chat.direct(alice, bob);
    String hiddenAfter = chat.direct(alice, carol);
    chat.await(
        chat.pool
            .query(
                "UPDATE members SET hidden_at = now() - interval '1 hour' WHERE conversation_id = '"
                    + hiddenBefore
                    + "' AND user_id = '"
                    + bob
                    + "'")
            .execute());
    chat.await(
        chat.pool
            .query(
                "UPDATE members SET hidden_at = now() + interval '1 hour' WHERE conversation_id = '"
                    + hiddenAfter
                    + "' AND user_id = '"
                    + carol
                    + "'")
            .execute());
    chat.send(hiddenBefore, alice, "are you there?");
    chat.send(hiddenAfter, alice, "older than the hiding");

    workers.start();

    Await.until(
        "stored",
        TIMEOUT,
        () -> chat.messageCount(hiddenBefore) == 1 && chat.messageCount(hiddenAfter) == 1);
    assertThat(
            chat.count(
                "SELECT count(*) FROM members WHERE conversation_id = $1 AND hidden_at IS NULL",
                hiddenBefore))
        .isEqualTo(2);
    assertThat(
            chat.count(
                "SELECT count(*) FROM members WHERE conversation_id = $1 AND hidden_at IS NOT NULL",
                hiddenAfter))
        .as("hidden after the message was written")
        .isEqualTo(1);
  }

  @Test
  void otherDurableEventsAreAckedAndCountedButNotStored() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    chat.publishRaw(
        chat.subjects.streamEvents(conversation),
        new Headers(),
        "{\"type\":\"reaction.added\",\"data\":{\"emoji\":\"+1\"}}");
    chat.publishRaw(
        chat.subjects.streamEvents(conversation),
        new Headers(),
        "{\"type\":\"reaction.added\",\"data\":{\"emoji\":\"heart\"}}");
    long seq = chat.send(conversation, alice, "after the events");

    PersistenceWorker worker = workers.start();

    Await.until("stored", TIMEOUT, () -> chat.messageCount(conversation) == 1);
    Await.until("acked", TIMEOUT, chat::consumerDrained);
    chat.assertChain(conversation, List.of(seq));
    assertThat(
            new Ops(worker.port())
                .metric("parley_worker_events_skipped_total{type=\"reaction.added\"}"))
        .isEqualTo(2);
    assertThat(chat.count("SELECT count(*) FROM dead_letters")).isZero();
  }

  @Test
  void twoWorkersShareTheStreamAndEachMessageIsStoredOnce() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    PersistenceWorker one = workers.start(Map.of("PARLEY_WORKER_BATCH_MAX", "7"));
    PersistenceWorker two = workers.start(Map.of("PARLEY_WORKER_BATCH_MAX", "7"));
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      seqs.add(chat.send(conversation, i % 2 == 0 ? alice : bob, "m" + i));
    }

    Await.until("stored", TIMEOUT, () -> chat.messageCount(conversation) == 300);
    Await.until("acked", TIMEOUT, chat::consumerDrained);

    chat.assertChain(conversation, seqs);
    double byOne = new Ops(one.port()).metric("parley_worker_messages_stored_total");
    double byTwo = new Ops(two.port()).metric("parley_worker_messages_stored_total");
    assertThat(byOne + byTwo).isEqualTo(300);
    assertThat(chat.conversationRow(conversation).getLong("last_seq")).isEqualTo(seqs.get(299));
    assertThat(Instant.ofEpochMilli(chat.conversationRow(conversation).getLong("last_activity_ms")))
        .isAfter(Instant.now().minusSeconds(120));
  }
}
