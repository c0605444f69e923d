package dev.parley.loadgen.persist;

import dev.parley.contract.wire.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The users, conversations and members a run's messages go to, created straight in Postgres (the
 * worker refuses a message whose sender or conversation does not exist). Every id carries the
 * run's tag, so runs never share a conversation and the run's rows can be counted alone.
 */
final class PersistFixture implements AutoCloseable {

  /** One conversation and the two members who take turns sending to it. */
  record Conversation(String id, String[] senders) {}

  private final PgConnection pg;
  private final List<Conversation> conversations;

  private PersistFixture(PgConnection pg, List<Conversation> conversations) {
    this.pg = pg;
    this.conversations = conversations;
  }

  static PersistFixture create(Vertx vertx, PgConnectOptions options, String tag, int count)
      throws Exception {
    PgConnection pg = await(PgConnection.connect(vertx, options));
    List<Conversation> conversations = new ArrayList<>();
    String[] users = new String[count * 2];
    String[] ids = new String[count];
    String[] owners = new String[count];
    String[] memberConv = new String[count * 2];
    String[] memberRole = new String[count * 2];
    for (int i = 0; i < count; i++) {
      ids[i] = Ids.newId();
      users[2 * i] = tag + "-a" + i;
      users[2 * i + 1] = tag + "-b" + i;
      owners[i] = users[2 * i];
      memberConv[2 * i] = ids[i];
      memberConv[2 * i + 1] = ids[i];
      memberRole[2 * i] = "owner";
      memberRole[2 * i + 1] = "member";
      conversations.add(new Conversation(ids[i], new String[] {users[2 * i], users[2 * i + 1]}));
    }
    await(
        pg.preparedQuery("INSERT INTO users (id, name) SELECT u, u FROM unnest($1::text[]) AS u")
            .execute(Tuple.tuple().addArrayOfString(users)));
    await(
        pg.preparedQuery(
                "INSERT INTO conversations (id, type, name, created_by)"
                    + " SELECT c, 'group', 'persist bench', o FROM unnest($1::text[], $2::text[]) AS x(c, o)")
            .execute(Tuple.tuple().addArrayOfString(ids).addArrayOfString(owners)));
    await(
        pg.preparedQuery(
                "INSERT INTO members (conversation_id, user_id, role)"
                    + " SELECT * FROM unnest($1::text[], $2::text[], $3::text[])")
            .execute(
                Tuple.tuple()
                    .addArrayOfString(memberConv)
                    .addArrayOfString(users)
                    .addArrayOfString(memberRole)));
    // the pre-started Postgres here never analyzes by itself: plans must not depend on luck
    await(pg.query("ANALYZE users, conversations, members, messages").execute());
    return new PersistFixture(pg, conversations);
  }

  List<Conversation> conversations() {
    return conversations;
  }

  /** Messages stored in the run's conversations. */
  long storedCount() throws Exception {
    String[] ids = conversations.stream().map(Conversation::id).toArray(String[]::new);
    return await(
            pg.preparedQuery(
                    "SELECT count(*) FROM messages WHERE conversation_id = ANY($1::text[])")
                .execute(Tuple.tuple().addArrayOfString(ids)))
        .iterator()
        .next()
        .getLong(0);
  }

  @Override
  public void close() throws Exception {
    await(pg.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
