package dev.parley.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.ChatMessage;
import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import dev.parley.worker.deadletters.ReplayMain;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A dead letter whose cause is fixed goes back into the stream, once, and is stored. */
@ExtendWith(ParleyExtension.class)
class DeadLetterReplayIntegrationTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final TestEnvironment env;
  private final Vertx vertx = Vertx.vertx();
  private final Chat chat;
  private final Workers workers;

  DeadLetterReplayIntegrationTests(TestEnvironment env) throws Exception {
    this.env = env;
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
  void aReplayedDeadLetterIsStoredOnceItsCauseIsFixedAndCannotBeReplayedTwice() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    String ghost = env.newId("ghost"); // no user row: the foreign key refuses the message (23503)
    ChatMessage draft =
        Chat.draft(conversation, ghost, "from a user not yet known", "client-ghost");
    long seq = chat.publish(draft);
    workers.start();
    Await.until(
        "dead-lettered",
        TIMEOUT,
        () -> chat.count("SELECT count(*) FROM dead_letters WHERE stream_seq = $1", seq) == 1);
    Await.until("acked", TIMEOUT, chat::consumerDrained);
    assertThat(chat.messageCount(conversation)).isZero();

    chat.await(
        chat.pool.preparedQuery("INSERT INTO users (id) VALUES ($1)").execute(Tuple.of(ghost)));
    Run replayed = replay(Long.toString(seq));

    assertThat(replayed.code()).as(replayed.err()).isZero();
    assertThat(replayed.out())
        .startsWith(
            "dead letter "
                + seq
                + " (stream "
                + env.nats().streamName()
                + ") replayed as stream entry ");
    Await.until("stored", TIMEOUT, () -> chat.messageCount(conversation) == 1);
    Row row =
        chat.await(
                chat.pool
                    .preparedQuery(
                        "SELECT id, content, seq FROM messages WHERE conversation_id = $1")
                    .execute(Tuple.of(conversation)))
            .iterator()
            .next();
    assertThat(row.getString("id")).isEqualTo(draft.id());
    assertThat(row.getString("content")).isEqualTo("from a user not yet known");
    Row dead =
        chat.await(
                chat.pool
                    .preparedQuery(
                        "SELECT stream, replayed_at, replayed_as_seq, replayed_to_stream"
                            + " FROM dead_letters WHERE stream_seq = $1")
                    .execute(Tuple.of(seq)))
            .iterator()
            .next();
    assertThat(dead.getOffsetDateTime("replayed_at")).isNotNull();
    assertThat(dead.getLong("replayed_as_seq")).isEqualTo(row.getLong("seq"));
    assertThat(dead.getString("stream")).isEqualTo(env.nats().streamName());
    assertThat(dead.getString("replayed_to_stream")).isEqualTo(env.nats().streamName());

    Run again = replay(Long.toString(seq));
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("replayed already");
    assertThat(replay("not-a-number").code()).isEqualTo(2);
  }

  /**
   * With PARLEY_STREAM_PARTITIONS above 1 every partition's stream counts its own seq: dead letters
   * of the same seq in two streams are two rows, and a replay names the stream when the seq alone
   * does not say which.
   */
  @Test
  void deadLettersOfTheSameSeqInTwoStreamsAreReplayedByStreamOrAllTogether() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    long seq = 900_001;
    ChatMessage first = Chat.draft(conversation, alice, "from partition 0", "client-p0");
    ChatMessage second = Chat.draft(conversation, alice, "from partition 1", "client-p1");
    deadLetter("T_P0_OF_2", seq, first);
    deadLetter("T_P1_OF_2", seq, second);

    Run ambiguous = replay(Long.toString(seq));
    assertThat(ambiguous.code()).isEqualTo(1);
    assertThat(ambiguous.err())
        .contains("wait in 2 streams (T_P0_OF_2, T_P1_OF_2): name one with --stream");

    Run named = replay("--stream", "T_P1_OF_2", Long.toString(seq));
    assertThat(named.code()).as(named.err()).isZero();
    assertThat(named.out())
        .startsWith("dead letter " + seq + " (stream T_P1_OF_2) replayed as stream entry ")
        .contains("(stream " + env.nats().streamName() + ")");

    Run all = replay("--all-pending");
    assertThat(all.code()).as(all.err()).isZero();
    assertThat(all.out())
        .startsWith("1 dead letters wait for replay")
        .contains("dead letter " + seq + " (stream T_P0_OF_2) replayed");
    assertThat(replay("--all-pending").out()).startsWith("0 dead letters wait for replay");

    workers.start();
    Await.until("both stored", TIMEOUT, () -> chat.messageCount(conversation) == 2);
    assertThat(
            chat.count(
                "SELECT count(*) FROM dead_letters WHERE stream_seq = $1 AND replayed_to_stream = $2",
                seq,
                env.nats().streamName()))
        .isEqualTo(2);
  }

  private void deadLetter(String stream, long seq, ChatMessage draft) throws Exception {
    chat.await(
        chat.pool
            .preparedQuery(
                "INSERT INTO dead_letters (stream, stream_seq, subject, payload, error)"
                    + " VALUES ($1, $2, $3, $4, 'test')")
            .execute(
                Tuple.of(
                    stream,
                    seq,
                    env.nats().subjects().streamMessages(draft.conversationId()),
                    Buffer.buffer(draft.toDraftJson().encode()))));
  }

  private record Run(int code, String out, String err) {}

  private Run replay(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ReplayMain.run(
            args,
            env.env(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
