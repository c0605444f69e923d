package dev.parley.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.Ids;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import dev.parley.worker.store.DeadLetter;
import dev.parley.worker.store.MessageRow;
import dev.parley.worker.store.MessageStore;
import dev.parley.worker.store.PostgresFailures;
import dev.parley.worker.store.StoreBatch;
import dev.parley.worker.store.StoreResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store's SQL against the real schema, batches written directly, in any order. */
@ExtendWith(ParleyExtension.class)
class MessageStoreIntegrationTests {
  private static final OffsetDateTime T0 = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);

  private final Vertx vertx = Vertx.vertx();
  private final Chat chat;
  private final MessageStore store;

  MessageStoreIntegrationTests(TestEnvironment env) throws Exception {
    this.chat = new Chat(env, vertx);
    // three lanes: every test here also runs a batch split across transactions
    this.store = new MessageStore(chat.pool, Duration.ofSeconds(10), 3);
  }

  @AfterEach
  void tearDown() throws Exception {
    chat.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static MessageRow row(String conversation, String sender, long seq) {
    return new MessageRow(
        Ids.newId(),
        conversation,
        seq,
        sender,
        "text",
        "at " + seq,
        null,
        Ids.newId(),
        null,
        T0.plusSeconds(seq),
        List.of());
  }

  private StoreResult write(MessageRow... rows) throws Exception {
    return store.write(new StoreBatch(List.of(rows), List.of())).await(10, TimeUnit.SECONDS);
  }

  @Test
  void outOfOrderCommitsRepairPrevSeq() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    write(row(conversation, alice, 10), row(conversation, alice, 40));
    chat.assertChain(conversation, List.of(10L, 40L));

    write(row(conversation, alice, 30)); // committed before the batch holding seq 20
    chat.assertChain(conversation, List.of(10L, 30L, 40L));
    write(row(conversation, alice, 20), row(conversation, alice, 5));

    chat.assertChain(conversation, List.of(5L, 10L, 20L, 30L, 40L));
    assertThat(chat.conversationRow(conversation).getLong("last_seq"))
        .as("the head never moves back")
        .isEqualTo(40);
    assertThat(chat.lastRead(conversation, alice)).isEqualTo(40);
  }

  @Test
  void writingTheSameBatchTwiceChangesNothing() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    MessageRow[] batch = {
      row(conversation, alice, 101), row(conversation, bob, 102), row(conversation, alice, 103)
    };

    StoreResult first = write(batch);
    StoreResult second = write(batch);

    assertThat(first).isEqualTo(new StoreResult(3, 0, 0));
    assertThat(second).isEqualTo(new StoreResult(0, 3, 0));
    chat.assertChain(conversation, List.of(101L, 102L, 103L));
    assertThat(chat.lastRead(conversation, alice)).isEqualTo(103);
    assertThat(chat.lastRead(conversation, bob)).isEqualTo(102);
  }

  @Test
  void anEntryTwiceInOneBatchIsStoredOnce() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    MessageRow twice = row(conversation, alice, 201);

    StoreResult result =
        write(row(conversation, alice, 200), twice, twice, row(conversation, alice, 202));

    assertThat(result).isEqualTo(new StoreResult(3, 1, 0));
    chat.assertChain(conversation, List.of(200L, 201L, 202L));
    assertThat(chat.conversationRow(conversation).getLong("last_seq")).isEqualTo(202);
  }

  @Test
  void batchesOverlappingARedeliveryStoreEachEntryOnceAndMoveHeadsForward() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    MessageRow a = row(conversation, alice, 301);
    MessageRow b = row(conversation, bob, 302);
    MessageRow c = row(conversation, alice, 303);
    MessageRow d = row(conversation, bob, 304);

    StoreResult first = write(a, b, c);
    // a redelivery of b and c arrives with the next entry, and then the first batch again, late
    StoreResult second = write(b, c, d);
    StoreResult late = write(a, b, c);

    assertThat(first).isEqualTo(new StoreResult(3, 0, 0));
    assertThat(second).isEqualTo(new StoreResult(1, 2, 0));
    assertThat(late).isEqualTo(new StoreResult(0, 3, 0));
    chat.assertChain(conversation, List.of(301L, 302L, 303L, 304L));
    assertThat(chat.conversationRow(conversation).getLong("last_seq")).isEqualTo(304);
    assertThat(chat.lastRead(conversation, alice)).isEqualTo(303);
    assertThat(chat.lastRead(conversation, bob)).isEqualTo(304);
  }

  @Test
  void twoDraftsWithOneClientMsgIdInOneBatchStoreOneMessage() throws Exception {
    String alice = chat.user("alice");
    String bob = chat.user("bob");
    String conversation = chat.group(alice, bob);
    MessageRow first = row(conversation, alice, 401);
    // a resend beyond the stream's duplicate window: a new id and seq, the same client_msg_id
    MessageRow resend =
        new MessageRow(
            Ids.newId(),
            conversation,
            402,
            alice,
            "text",
            "again",
            null,
            first.clientMsgId(),
            null,
            T0.plusSeconds(402),
            List.of());
    MessageRow other = row(conversation, bob, 403);

    StoreResult result = write(first, resend, other);

    assertThat(result).isEqualTo(new StoreResult(2, 1, 0));
    assertThat(
            chat.count(
                "SELECT count(*) FROM messages WHERE conversation_id = $1 AND client_msg_id = $2",
                conversation,
                first.clientMsgId()))
        .isEqualTo(1);
    // whichever copy was kept, the chain links the stored rows only: none points at the other seq
    List<long[]> chain = chat.chain(conversation);
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0)[1]).isZero();
    assertThat(chain.get(1)).containsExactly(403L, chain.get(0)[0]);
    assertThat(chat.lastRead(conversation, bob)).isEqualTo(403);
    assertThat(chat.lastRead(conversation, alice)).isEqualTo(chain.get(0)[0]);
  }

  @Test
  void concurrentBatchesOfOneConversationKeepAGaplessChain() throws Exception {
    String alice = chat.user("alice");
    String other = chat.user("other");
    String conversation = chat.group(alice);
    String neighbour = chat.group(other);
    // Ten batches written at once, their seqs interleaved: each batch's rows fall between
    // another's.
    List<Future<StoreResult>> writes = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      List<MessageRow> rows = new ArrayList<>();
      for (long seq = 1000 + b; seq < 1200; seq += 10) {
        rows.add(row(conversation, alice, seq));
        rows.add(row(neighbour, other, seq + 5000));
      }
      writes.add(store.write(new StoreBatch(rows, List.of())));
    }
    Future.all(writes).await(30, TimeUnit.SECONDS);

    chat.assertChain(
        conversation, LongStream.range(1000, 1200).boxed().collect(Collectors.toList()));
    chat.assertChain(neighbour, LongStream.range(6000, 6200).boxed().collect(Collectors.toList()));
    assertThat(chat.conversationRow(conversation).getLong("last_seq")).isEqualTo(1199);
  }

  @Test
  void aRowPostgresRefusesFailsTheWholeBatchAsPoison() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    MessageRow good = row(conversation, alice, 201);
    MessageRow unknownSender = row(conversation, "nobody-" + Ids.newId().substring(0, 6), 202);

    Throwable failure =
        store
            .write(new StoreBatch(List.of(good, unknownSender), List.of()))
            .transform(ar -> Future.succeededFuture(ar.cause()))
            .await(10, TimeUnit.SECONDS);

    assertThat(PostgresFailures.sqlState(failure)).isEqualTo("23503");
    assertThat(PostgresFailures.isPoison(failure)).isTrue();
    assertThat(chat.messageCount(conversation)).as("nothing of the batch committed").isZero();
  }

  @Test
  void attachmentsAreLinkedToTheStoredMessage() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    String file = Ids.newId();
    chat.await(
        chat.pool
            .preparedQuery(
                "INSERT INTO files (id, uploader_id, name, size, content_type, storage_key)"
                    + " VALUES ($1, $2, 'a.png', 3, 'image/png', $1)")
            .execute(Tuple.of(file, alice)));
    MessageRow withFile =
        new MessageRow(
            Ids.newId(),
            conversation,
            301,
            alice,
            "file",
            null,
            null,
            "c-301",
            null,
            T0,
            List.of(file));

    write(withFile);
    write(withFile);

    assertThat(
            chat.count(
                "SELECT count(*) FROM attachments WHERE message_id = $1 AND file_id = $2 AND conversation_id = $3",
                withFile.id(),
                file,
                conversation))
        .isEqualTo(1);
  }

  @Test
  void aRedeliveredBatchDoesNotReattachFilesToAMessageDeletedSince() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    String file = Ids.newId();
    chat.await(
        chat.pool
            .preparedQuery(
                "INSERT INTO files (id, uploader_id, name, size, content_type, storage_key)"
                    + " VALUES ($1, $2, 'b.png', 3, 'image/png', $1)")
            .execute(Tuple.of(file, alice)));
    MessageRow withFile =
        new MessageRow(
            Ids.newId(),
            conversation,
            302,
            alice,
            "file",
            "",
            null,
            "c-302",
            null,
            T0,
            List.of(file));
    write(withFile);

    // what a soft delete does (the gateway's), then the same entries delivered again
    chat.await(
        chat.pool
            .preparedQuery("UPDATE messages SET deleted_at = now(), content = NULL WHERE id = $1")
            .execute(Tuple.of(withFile.id())));
    chat.await(
        chat.pool
            .preparedQuery("DELETE FROM attachments WHERE message_id = $1")
            .execute(Tuple.of(withFile.id())));
    write(withFile);

    assertThat(chat.count("SELECT count(*) FROM attachments WHERE message_id = $1", withFile.id()))
        .isZero();
    assertThat(
            chat.count(
                "SELECT count(*) FROM messages WHERE id = $1 AND deleted_at IS NOT NULL AND content IS NULL",
                withFile.id()))
        .as("the redelivery leaves the deleted row as it is")
        .isEqualTo(1);
  }

  @Test
  void aFileSweptBeforeItsMessageIsStoredIsNotLinkedAndTheMessageIsStored() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    // the send checked the file; the gateways' sweep deleted its row before the worker got here
    MessageRow withFile =
        new MessageRow(
            Ids.newId(),
            conversation,
            303,
            alice,
            "file",
            "",
            null,
            "c-303",
            null,
            T0,
            List.of(Ids.newId()));

    write(withFile);

    assertThat(chat.count("SELECT count(*) FROM messages WHERE id = $1", withFile.id()))
        .isEqualTo(1);
    assertThat(chat.count("SELECT count(*) FROM attachments WHERE message_id = $1", withFile.id()))
        .isZero();
  }

  @Test
  void deadLettersAreKeptOnceByteForByte() throws Exception {
    byte[] payload = {
      '{', 0, (byte) 0xff, '"'
    }; // NUL and a byte that is no UTF-8: text could not hold it
    DeadLetter bad =
        new DeadLetter(
            "T_STREAM",
            987_654,
            "t.stream.conv.x.msg",
            "{\"Nats-Msg-Id\":[\"abc\"]}",
            payload,
            "undecodable: test",
            "x");

    StoreResult first = store.write(StoreBatch.of(bad)).await(10, TimeUnit.SECONDS);
    StoreResult again = store.write(StoreBatch.of(bad)).await(10, TimeUnit.SECONDS);

    assertThat(first.deadLettered()).isEqualTo(1);
    assertThat(again.deadLettered()).isZero();
    Row row =
        chat.await(
                chat.pool.query("SELECT * FROM dead_letters WHERE stream_seq = 987654").execute())
            .iterator()
            .next();
    assertThat(row.getBuffer("payload").getBytes()).isEqualTo(payload);
    assertThat(row.getString("headers")).isEqualTo("{\"Nats-Msg-Id\":[\"abc\"]}");
    assertThat(row.getString("error")).isEqualTo("undecodable: test");
    assertThat(row.getString("conversation_id")).isEqualTo("x");
    assertThat(row.getLocalDateTime("replayed_at")).isNull();
  }

  @Test
  void systemMessagesKeepTheirDetailsAndMoveNoReadPosition() throws Exception {
    String alice = chat.user("alice");
    String conversation = chat.group(alice);
    MessageRow system =
        new MessageRow(
            Ids.newId(),
            conversation,
            401,
            null,
            "system",
            "alice added bob",
            null,
            null,
            "{\"event\":\"member.added\",\"actor_id\":\"alice\",\"user_id\":\"bob\"}",
            T0,
            List.of());

    write(system);

    assertThat(
            chat.count(
                "SELECT count(*) FROM messages WHERE id = $1 AND system->>'event' = 'member.added'",
                system.id()))
        .isEqualTo(1);
    assertThat(chat.lastRead(conversation, alice)).isZero();
    assertThat(chat.conversationRow(conversation).getLong("last_seq")).isEqualTo(401);
  }
}
