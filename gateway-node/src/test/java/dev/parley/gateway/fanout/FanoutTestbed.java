package dev.parley.gateway.fanout;

import dev.parley.contract.Subjects;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.contract.wire.EventType;
import dev.parley.contract.wire.Frames;
import dev.parley.gateway.stream.StreamEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The hub's fan-out pieces wired as {@link FanoutHub} wires them, on one Vert.x context, over a
 * {@link FakeStream}: no NATS, no database. Live entries are handed to the feed as the hand-off
 * would; the stream answers reads as the test lets it.
 */
final class FanoutTestbed implements AutoCloseable {
  static final String CONVERSATION = "c1";

  final Subjects subjects = new Subjects("t");
  final Vertx vertx = Vertx.vertx();
  final Context ctx = vertx.getOrCreateContext();
  final FakeStream stream = new FakeStream();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Counter heldDropped = registry.counter("held_dropped");
  final Counter resyncs = registry.counter("resyncs");
  final Subscriptions table;
  final CatchUp catchUp;
  final Resync resync;
  final ChannelFeed feed;

  FanoutTestbed(int heldMax) {
    Dispatcher dispatcher =
        (Dispatcher)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Dispatcher.class},
                (proxy, method, args) -> null);
    table =
        new Subscriptions(
            dispatcher,
            subjects,
            id -> msg -> {},
            this::highestSeen,
            partition -> stream.lastSequence());
    StoredCopies storedCopies = new StoredCopies(vertx);
    EntryWriter writer =
        new EntryWriter(table, storedCopies, registry.counter("frames"), change -> {});
    PreviousMessages previous =
        (conversationId, seq) -> {
          for (long s = seq - 1; s > 0; s--) {
            StreamEntry e = stream.at(s);
            if (e != null && e.subject().equals(subjects.streamMessages(conversationId))) {
              return Future.succeededFuture(s);
            }
          }
          return Future.succeededFuture(null);
        };
    catchUp = new CatchUp(ctx, table, stream, subjects, writer, storedCopies, previous);
    InOrderWriter inOrder = new InOrderWriter(writer, catchUp);
    resync = new Resync(ctx, table, stream, subjects, previous, inOrder, resyncs);
    feed =
        new ChannelFeed(
            ctx,
            table,
            stream,
            subjects,
            previous,
            inOrder,
            resync,
            registry.counter("entries_held"),
            heldMax,
            heldDropped);
  }

  private long highestSeen(int partition) {
    return feed.highestSeen(partition);
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /** What a connection was sent: the frame's type, its entry's sequence, and a message's prev_seq. */
  record Received(String type, long seq, Long prevSeq) {}

  /**
   * A client connection that records what it is sent. Equal only to itself, as the hub's maps need
   * (a record's equality would change with what it received).
   */
  static final class Conn implements LocalConnection {
    private final String userId;
    private final List<Received> frames = new ArrayList<>();

    Conn(String userId) {
      this.userId = userId;
    }

    @Override
    public String userId() {
      return userId;
    }

    List<Received> frames() {
      return frames;
    }

    @Override
    public void send(String frame) {
      JsonObject json = new JsonObject(frame);
      JsonObject data = json.getJsonObject("data");
      if (EventType.MESSAGE_NEW.equals(json.getString("type"))) {
        frames.add(
            new Received(json.getString("type"), data.getLong("seq"), data.getLong("prev_seq")));
      } else {
        frames.add(new Received(json.getString("type"), data.getLong("mark"), null));
      }
    }

    List<Long> seqs() {
      return frames.stream().map(Received::seq).toList();
    }
  }

  /** A connection of {@code userId}, receiving the conversation live (as on attach). */
  Conn connected(String userId) {
    return on(
        () -> {
          Conn c = new Conn(userId);
          table.addConnection(c);
          table.join(c, table.open(CONVERSATION));
          return c;
        });
  }

  /** A connection of {@code userId} that holds nothing yet (its user is about to be added). */
  Conn attachedElsewhere(String userId) {
    return on(
        () -> {
          Conn c = new Conn(userId);
          table.addConnection(c);
          return c;
        });
  }

  /** Stores a message of the conversation; returns its sequence. */
  long storeMessage() {
    return on(
        () -> {
          long seq = stream.lastSeq() + 1;
          return stream.append(
              subjects.streamMessages(CONVERSATION),
              new JsonObject()
                  .put("id", "m" + seq)
                  .put("conversation_id", CONVERSATION)
                  .put("sender_id", "alice")
                  .put("type", "text")
                  .put("content", "message " + seq)
                  .put("created_at", "2026-01-01T00:00:00Z"));
        });
  }

  /** Stores an event of the conversation about {@code userId}; returns its sequence. */
  long storeEvent(String type, String userId) {
    return on(
        () -> {
          long seq = stream.lastSeq() + 1;
          return stream.append(
              subjects.streamEvents(CONVERSATION),
              Frames.event(
                  type,
                  new JsonObject()
                      .put("conversation_id", CONVERSATION)
                      .put("user_id", userId)
                      .put("mark", seq)));
        });
  }

  /** Stores {@code count} messages; returns the last one's sequence. */
  long storeMessages(int count) {
    long last = 0;
    for (int i = 0; i < count; i++) {
      last = storeMessage();
    }
    return last;
  }

  /** The republished copies of stored entries arrive live, in the order given. */
  void arriveLive(long... seqs) {
    on(
        () -> {
          for (long seq : seqs) {
            feed.deliver(CONVERSATION, liveCopy(seq));
          }
          return null;
        });
  }

  /** The republished copy of a stored entry, with the stream's headers. */
  Message liveCopy(long seq) {
    StreamEntry e = stream.at(seq);
    Headers headers =
        new Headers()
            .put(StreamHeaders.SEQUENCE, Long.toString(seq))
            .put(StreamHeaders.LAST_SEQUENCE, Long.toString(stream.previousOnSubject(seq)));
    return NatsMessage.builder()
        .subject(subjects.fanout(CONVERSATION).replace("*", Subjects.kindOf(e.subject())))
        .headers(headers)
        .data(e.payload().encode().getBytes(StandardCharsets.UTF_8))
        .build();
  }

  /** Users of {@code joiners} were added from {@code sinceSeq}: they catch up, as the hub starts it. */
  void added(long sinceSeq, Conn... joiners) {
    on(
        () -> {
          catchUp.start(table.open(CONVERSATION), List.of(joiners), sinceSeq);
          return null;
        });
  }

  /** Runs {@code action} on the hub's context and returns its result. */
  <T> T on(Supplier<T> action) {
    if (Vertx.currentContext() == ctx) {
      return action.get();
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    ctx.runOnContext(
        v -> {
          try {
            done.complete(action.get());
          } catch (RuntimeException | Error e) {
            done.completeExceptionally(e);
          }
        });
    try {
      return done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** What a connection was sent so far (read on the hub's context). */
  List<Long> seqsOf(Conn c) {
    return on(c::seqs);
  }

  List<Received> framesOf(Conn c) {
    return on(() -> List.copyOf(c.frames()));
  }

  /**
   * Waits for a condition that timers on the hub's context bring about (a gap check, a retry),
   * checking it on that context.
   */
  void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!on(condition::getAsBoolean)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // a poll interval, not a stand-in
    }
  }
}
