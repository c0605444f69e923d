package dev.parley.gateway.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.gateway.stream.StreamEntry;
import dev.parley.gateway.stream.StreamReads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Filling a gap while a burst goes on arriving, against a stream whose answers the test times. */
class ChannelFeedUnitTests {
  private static final String CONVERSATION = "c1";
  private final Subjects subjects = new Subjects("t");
  private final Vertx vertx = Vertx.vertx();
  private final Context ctx = vertx.getOrCreateContext();

  /** Reads of the stream, answered by the test. */
  private final BlockingQueue<Read> reads = new LinkedBlockingQueue<>();

  private record Read(long from, String subject, Promise<StreamEntry> answer) {}

  private record Conn(String userId, List<Long> seqs) implements LocalConnection {
    @Override
    public void send(String frame) {
      seqs.add(new JsonObject(frame).getJsonObject("data").getLong("seq"));
    }
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aGapReadThatRanBeforeTheEntriesWaitingWereStoredIsReadAgainNotSkipped() throws Exception {
    StreamReads stream =
        (c, from, subject) -> {
          Promise<StreamEntry> p = Promise.promise();
          reads.add(new Read(from, subject, p));
          return p.future();
        };
    Dispatcher dispatcher =
        (Dispatcher)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Dispatcher.class},
                (proxy, method, args) -> null);
    Subscriptions table = new Subscriptions(dispatcher, subjects, id -> msg -> {}, () -> 0);
    Counter counter = new SimpleMeterRegistry().counter("c");
    EntryWriter writer = new EntryWriter(table, new StoredCopies(vertx), counter, change -> {});
    ChannelFeed feed = new ChannelFeed(ctx, table, stream, subjects, writer, counter, 100, counter);
    feed.wire(new CatchUp(ctx, table, null, subjects, writer, null, null, ch -> {}), null);
    Conn bob = new Conn("bob", new CopyOnWriteArrayList<>());
    on(
        () -> {
          table.addConnection(bob);
          table.join(bob, table.open(CONVERSATION));
          feed.deliver(CONVERSATION, live(10, 0));
          feed.deliver(
              CONVERSATION, live(12, 11)); // 11 overtaken: 12 waits, the gap is read after a moment
          return null;
        });
    Read first = reads.poll(5, TimeUnit.SECONDS);
    assertThat(first.from()).isEqualTo(11);
    on(
        () -> {
          first.answer().complete(entry(11));
          return null;
        });
    Read next = reads.poll(5, TimeUnit.SECONDS);
    assertThat(next.from()).isEqualTo(12);
    on(
        () -> {
          // the burst goes on: 14 arrives, its predecessor 13 was dropped at the hand-off; the read
          // from 12
          // ran before either was stored, so it finds nothing
          feed.deliver(CONVERSATION, live(14, 13));
          next.answer().complete(null);
          return null;
        });
    Read again = reads.poll(5, TimeUnit.SECONDS);
    assertThat(again).as("the gap is read again, not given up").isNotNull();
    assertThat(again.from()).isEqualTo(12);
    on(
        () -> {
          again.answer().complete(entry(13));
          return null;
        });
    assertThat(on(() -> List.copyOf(bob.seqs()))).containsExactly(10L, 11L, 12L, 13L, 14L);
  }

  private <T> T on(Supplier<T> action) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    ctx.runOnContext(
        v -> {
          try {
            done.complete(action.get());
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    return done.get(5, TimeUnit.SECONDS);
  }

  private Message live(long seq, long previous) {
    Headers headers =
        new Headers()
            .put(StreamHeaders.SEQUENCE, Long.toString(seq))
            .put(StreamHeaders.LAST_SEQUENCE, Long.toString(previous));
    return NatsMessage.builder()
        .subject(subjects.streamMessages(CONVERSATION))
        .headers(headers)
        .data(draft(seq).encode().getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private StreamEntry entry(long seq) {
    return new StreamEntry(seq, subjects.streamMessages(CONVERSATION), draft(seq));
  }

  private static JsonObject draft(long seq) {
    return new JsonObject()
        .put("id", "m" + seq)
        .put("conversation_id", CONVERSATION)
        .put("sender_id", "alice")
        .put("type", "text")
        .put("content", "m " + seq)
        .put("created_at", "2026-01-01T00:00:00Z");
  }
}
