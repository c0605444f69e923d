package dev.parley.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import dev.parley.worker.PersistenceWorker;
import dev.parley.worker.batch.BatchWriter;
import io.nats.client.impl.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Entries that can never be stored become dead letters, byte for byte, each counted and logged once
 * without its payload, then acked; the stream keeps flowing past them.
 */
@ExtendWith(ParleyExtension.class)
class PoisonEntryIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx = Vertx.vertx();
  private final Chat chat;
  private final Workers workers;
  private final Logger writerLog = (Logger) LoggerFactory.getLogger(BatchWriter.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  private final TestEnvironment env;

  PoisonEntryIntegrationTests(TestEnvironment env) throws Exception {
    this.env = env;
    this.chat = new Chat(env, vertx);
    this.workers = new Workers(env, vertx);
  }

  @BeforeEach
  void captureLog() {
    logged.start();
    writerLog.addAppender(logged);
  }

  @AfterEach
  void tearDown() throws Exception {
    writerLog.detachAppender(logged);
    workers.close();
    chat.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void poisonEntriesBecomeDeadLettersByteForByteAndLaterEntriesAreStored() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    String subject = chat.subjects.streamMessages(conversation);
    List<Long> good = new ArrayList<>();
    good.add(chat.send(conversation, alice, "one"));

    byte[] garbage = "{this is not json, secret".getBytes(StandardCharsets.UTF_8);
    long garbageSeq =
        chat.publishRaw(subject, new Headers().add("Parley-Test", "garbage"), garbage);
    // what a gateway acked before it refused NUL: Postgres cannot hold U+0000 in text
    byte[] nul =
        Chat.draft(conversation, alice, "secret nul\u0000inside", "client-nul")
            .toDraftJson()
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    long nulSeq = chat.publishRaw(subject, new Headers().add("Nats-Msg-Id", "nul-1"), nul);
    byte[] latin1 =
        Chat.draft(conversation, alice, "secret café", "client-latin1")
            .toDraftJson()
            .encode()
            .getBytes(StandardCharsets.ISO_8859_1); // not UTF-8
    long latin1Seq = chat.publishRaw(subject, new Headers(), latin1);
    ChatMessage video = Chat.draft(conversation, alice, "a secret video", "client-video");
    byte[] refused =
        video
            .toDraftJson()
            .put("type", "video")
            .encode()
            .getBytes(StandardCharsets.UTF_8); // CHECK: 23514
    long refusedSeq = chat.publishRaw(subject, new Headers(), refused);
    good.add(chat.send(conversation, alice, "two"));
    good.add(chat.send(conversation, alice, "three"));

    PersistenceWorker worker = workers.start();

    Await.until("good ones stored", TIMEOUT, () -> chat.messageCount(conversation) == 3);
    Await.until("everything acked", TIMEOUT, chat::consumerDrained);
    chat.assertChain(conversation, good);
    List<Row> dead = new ArrayList<>();
    chat.await(chat.pool.query("SELECT * FROM dead_letters ORDER BY stream_seq").execute())
        .forEach(dead::add);
    assertThat(dead)
        .extracting(r -> r.getLong("stream_seq"))
        .containsExactly(garbageSeq, nulSeq, latin1Seq, refusedSeq);
    assertThat(dead)
        .extracting(r -> r.getBuffer("payload").getBytes())
        .containsExactly(garbage, nul, latin1, refused);
    assertThat(dead)
        .allSatisfy(
            r -> {
              assertThat(r.getString("subject")).isEqualTo(subject);
              assertThat(r.getString("conversation_id")).isEqualTo(conversation);
              assertThat(r.getOffsetDateTime("recorded_at")).isNotNull();
            });
    assertThat(
            new JsonObject(dead.get(0).getString("headers")).getJsonArray("Parley-Test").getList())
        .containsExactly("garbage");
    assertThat(
            new JsonObject(dead.get(1).getString("headers")).getJsonArray("Nats-Msg-Id").getList())
        .containsExactly("nul-1");
    assertThat(dead.get(0).getString("error")).startsWith("undecodable: not valid JSON");
    assertThat(dead.get(1).getString("error")).startsWith("rejected: ");
    assertThat(dead.get(2).getString("error")).startsWith("undecodable: ");
    assertThat(dead.get(3).getString("error")).startsWith("rejected: ").contains("23514");

    Ops ops = new Ops(worker.port());
    assertThat(ops.metric("parley_worker_dead_letters_total{cause=\"undecodable\"}")).isEqualTo(2);
    assertThat(ops.metric("parley_worker_dead_letters_total{cause=\"rejected\"}")).isEqualTo(2);
    assertThat(ops.ready().status()).isEqualTo(200);

    List<String> errors =
        logged.list.stream()
            .filter(e -> e.getLevel() == Level.ERROR)
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
    assertThat(errors).as("one line per dead letter").hasSize(4);
    for (Row r : dead) {
      assertThat(r.getString("stream")).isEqualTo(env.nats().streamName());
      assertThat(errors)
          .filteredOn(
              line ->
                  line.startsWith(
                      "Dead-lettered stream entry stream="
                          + env.nats().streamName()
                          + " seq="
                          + r.getLong("stream_seq")
                          + " "))
          .singleElement()
          .asString()
          .contains(subject)
          .contains(conversation)
          .contains(r.getString("error"));
    }
    assertThat(errors)
        .as("message contents never reach the log")
        .noneMatch(line -> line.contains("secret"));
  }
}
