package dev.parley.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.contract.stream.StreamLayout;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.Ids;
import dev.parley.testing.TestEnvironment;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test's side of the send path: rows a gateway would have written (users, conversations,
 * members), drafts published to the stream as a gateway publishes them, and reads of what the
 * worker stored.
 */
final class Chat {
  final TestEnvironment env;
  final Pool pool;
  final Connection nats;
  final Subjects subjects;
  private final JetStream js;

  /** The pool is this object's own (closed by {@link #close}), so a test's Vertx can go with the test. */
  Chat(TestEnvironment env, Vertx vertx) throws Exception {
    this.env = env;
    PostgresSettings pg = env.postgres();
    this.pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(4))
            .connectingTo(pg.connectOptions())
            .using(vertx)
            .build();
    this.nats = env.natsConnection();
    NatsSettings settings = env.nats();
    this.subjects = settings.subjects();
    StreamLayout.ensureStream(nats.jetStreamManagement(), settings);
    this.js = nats.jetStream();
  }

  void close() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
  }

  <T> T await(Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  String user(String hint) throws Exception {
    String id = env.newId(hint);
    await(pool.preparedQuery("INSERT INTO users (id, name) VALUES ($1, $1)").execute(Tuple.of(id)));
    return id;
  }

  /** A group owned by the first member. */
  String group(String... members) throws Exception {
    String id = Ids.newId();
    await(
        pool.preparedQuery(
                "INSERT INTO conversations (id, type, name, created_by) VALUES ($1, 'group', 'g', $2)")
            .execute(Tuple.of(id, members[0])));
    for (int i = 0; i < members.length; i++) {
      await(
          pool.preparedQuery(
                  "INSERT INTO members (conversation_id, user_id, role) VALUES ($1, $2, $3)")
              .execute(Tuple.of(id, members[i], i == 0 ? "owner" : "member")));
    }
    return id;
  }

  String direct(String a, String b) throws Exception {
    String id = Ids.newId();
    String key = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    await(
        pool.preparedQuery(
                "INSERT INTO conversations (id, type, created_by, direct_key) VALUES ($1, 'direct', $2, $3)")
            .execute(Tuple.of(id, a, key)));
    for (String m : List.of(a, b)) {
      await(
          pool.preparedQuery(
                  "INSERT INTO members (conversation_id, user_id, role) VALUES ($1, $2, 'member')")
              .execute(Tuple.of(id, m)));
    }
    return id;
  }

  static ChatMessage draft(String conversation, String sender, String content, String clientMsgId) {
    return new ChatMessage(
        Ids.newId(),
        conversation,
        0,
        null,
        sender,
        ChatMessage.TEXT,
        content,
        null,
        new JsonArray(),
        new JsonArray(),
        clientMsgId,
        Instant.now(),
        null,
        false,
        null);
  }

  /** Publishes a text message the way a gateway does; returns its stream sequence. */
  long send(String conversation, String sender, String content) throws Exception {
    return publish(draft(conversation, sender, content, Ids.newId()));
  }

  /**
   * Like {@link #send}, but a publish that gets no answer (a server just restarted, its JetStream
   * still recovering) is tried again with the same message id, as a client retries a send with its
   * {@code client_msg_id}: the stream keeps one entry, and the sequence is that entry's.
   */
  long sendRetrying(String conversation, String sender, String content, Duration within)
      throws Exception {
    ChatMessage draft = draft(conversation, sender, content, Ids.newId());
    Headers headers =
        new Headers()
            .put(
                StreamHeaders.MSG_ID,
                Ids.dedupId(draft.conversationId(), draft.senderId(), draft.clientMsgId()));
    byte[] body = draft.toDraftJson().encode().getBytes(StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return js.publish(subjects.streamMessages(conversation), headers, body).getSeqno();
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  long publish(ChatMessage draft) throws Exception {
    Headers headers =
        new Headers()
            .put(
                StreamHeaders.MSG_ID,
                Ids.dedupId(draft.conversationId(), draft.senderId(), draft.clientMsgId()));
    return publishRaw(
        subjects.streamMessages(draft.conversationId()), headers, draft.toDraftJson().encode());
  }

  long publishRaw(String subject, Headers headers, String payload) throws Exception {
    return publishRaw(subject, headers, payload.getBytes(StandardCharsets.UTF_8));
  }

  long publishRaw(String subject, Headers headers, byte[] payload) throws Exception {
    PublishAck ack = js.publish(subject, headers, payload);
    assertThat(ack.isDuplicate()).as("test publishes are unique").isFalse();
    return ack.getSeqno();
  }

  long count(String sql, Object... params) throws Exception {
    return await(pool.preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  long messageCount(String conversation) throws Exception {
    return count("SELECT count(*) FROM messages WHERE conversation_id = $1", conversation);
  }

  /** (seq, prev_seq) of a conversation, in seq order. */
  List<long[]> chain(String conversation) throws Exception {
    List<long[]> out = new ArrayList<>();
    for (Row r :
        await(
            pool.preparedQuery(
                    "SELECT seq, prev_seq FROM messages WHERE conversation_id = $1 ORDER BY seq")
                .execute(Tuple.of(conversation)))) {
      Long prev = r.getLong("prev_seq");
      out.add(new long[] {r.getLong("seq"), prev == null ? 0 : prev});
    }
    return out;
  }

  /** Exactly these seqs, each pointing at the one before, the first at nothing. */
  void assertChain(String conversation, List<Long> expectedSeqs) throws Exception {
    List<long[]> chain = chain(conversation);
    assertThat(chain).extracting(c -> c[0]).containsExactlyElementsOf(expectedSeqs);
    for (int i = 0; i < chain.size(); i++) {
      assertThat(chain.get(i)[1])
          .as("prev_seq of seq %d", chain.get(i)[0])
          .isEqualTo(i == 0 ? 0 : chain.get(i - 1)[0]);
    }
  }

  JsonObject conversationRow(String id) throws Exception {
    return await(
            pool.preparedQuery(
                    "SELECT last_seq, (extract(epoch FROM last_activity_at) * 1000)::bigint AS last_activity_ms"
                        + " FROM conversations WHERE id = $1")
                .execute(Tuple.of(id)))
        .iterator()
        .next()
        .toJson();
  }

  long lastRead(String conversation, String user) throws Exception {
    return count(
        "SELECT last_read_seq FROM members WHERE conversation_id = $1 AND user_id = $2",
        conversation,
        user);
  }

  ConsumerInfo consumer() throws Exception {
    return nats.jetStreamManagement()
        .getConsumerInfo(env.nats().streamName(), StreamLayout.PERSISTENCE_CONSUMER);
  }

  /** Everything delivered to the workers was acked and nothing is left to deliver. */
  boolean consumerDrained() throws Exception {
    ConsumerInfo info = consumer();
    return info.getNumPending() == 0 && info.getNumAckPending() == 0;
  }
}
