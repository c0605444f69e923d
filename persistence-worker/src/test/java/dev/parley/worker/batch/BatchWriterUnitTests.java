package dev.parley.worker.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.contract.Subjects;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.worker.ops.WorkerMetrics;
import dev.parley.worker.ops.WorkerState;
import dev.parley.worker.store.BatchStore;
import dev.parley.worker.store.DeadLetter;
import dev.parley.worker.store.StoreBatch;
import dev.parley.worker.store.StoreResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The retry and poison rules, against a store whose answers the test scripts. */
class BatchWriterUnitTests {
  private final Subjects subjects = new Subjects("t1");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WorkerState state = new WorkerState(System::nanoTime);
  private final StopSignal stop = new StopSignal();

  /** Records every batch it is asked to write and answers with the script. */
  private static final class ScriptedStore implements BatchStore {
    final List<StoreBatch> writes = new ArrayList<>();
    final Function<StoreBatch, Future<StoreResult>> script;

    ScriptedStore(Function<StoreBatch, Future<StoreResult>> script) {
      this.script = script;
    }

    @Override
    public synchronized Future<StoreResult> write(StoreBatch batch) {
      writes.add(batch);
      return script.apply(batch);
    }
  }

  private static Future<StoreResult> stored(StoreBatch b) {
    return Future.succeededFuture(new StoreResult(b.messages().size(), 0, b.deadLetters().size()));
  }

  private BatchWriter writer(BatchStore store) {
    Backoff fast = new Backoff(Duration.ofMillis(2), Duration.ofMillis(4), () -> 0.5);
    return new BatchWriter(
        store,
        new EntryDecoder(subjects),
        fast,
        new WorkerMetrics(registry),
        state,
        stop,
        Duration.ofMillis(1));
  }

  private FakeDelivery message(long seq) {
    ChatMessage m =
        new ChatMessage(
            "m" + seq,
            "conv1",
            0,
            null,
            "alice",
            ChatMessage.TEXT,
            "hi",
            null,
            new JsonArray(),
            new JsonArray(),
            "c" + seq,
            Instant.parse("2024-05-01T10:00:00Z"),
            null,
            false,
            null);
    return new FakeDelivery(subjects.streamMessages("conv1"), m.toDraftJson().encode(), seq);
  }

  private static List<Long> seqs(StoreBatch b) {
    List<Long> out = new ArrayList<>();
    b.messages().forEach(r -> out.add(r.seq()));
    b.deadLetters().forEach(u -> out.add(u.streamSeq()));
    return out;
  }

  private double counter(String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void wholeBatchIsOneWrite() throws Exception {
    ScriptedStore store = new ScriptedStore(BatchWriterUnitTests::stored);

    StoreResult result = writer(store).write(List.of(message(1), message(2), message(3)));

    assertThat(store.writes).hasSize(1);
    assertThat(seqs(store.writes.get(0))).containsExactly(1L, 2L, 3L);
    assertThat(result.inserted()).isEqualTo(3);
    assertThat(counter("parley.worker.batches")).isEqualTo(1);
    assertThat(counter("parley.worker.messages.stored")).isEqualTo(3);
  }

  @Test
  void transientFailuresAreRetriedWithTheEntriesKeptAlive() throws Exception {
    List<FakeDelivery> batch = List.of(message(1), message(2));
    AtomicInteger calls = new AtomicInteger();
    ScriptedStore recovering =
        new ScriptedStore(
            b ->
                calls.incrementAndGet() <= 3
                    ? Future.failedFuture(new IOException("Connection refused"))
                    : stored(b));

    writer(recovering).write(List.copyOf(batch));

    assertThat(recovering.writes)
        .hasSize(4)
        .allSatisfy(b -> assertThat(seqs(b)).containsExactly(1L, 2L));
    assertThat(counter("parley.worker.batch.failures")).isEqualTo(3);
    assertThat(batch)
        .allSatisfy(
            d ->
                assertThat(d.inProgress.get())
                    .as("progress signalled while retrying")
                    .isGreaterThanOrEqualTo(3));
    assertThat(batch)
        .allSatisfy(
            d ->
                assertThat(d.acks.get())
                    .as("acking is the fetch loop's job, after the write")
                    .isZero());
    assertThat(state.postgresFailure()).as("cleared by the successful retry").isNull();
  }

  @Test
  void poisonBatchIsStoredOneByOneAndTheBadEntryDeadLettered() throws Exception {
    ScriptedStore store =
        new ScriptedStore(
            b ->
                b.messages().stream().anyMatch(r -> r.seq() == 2)
                    ? Future.failedFuture(
                        new PgException("violates check constraint", "ERROR", "23514", null))
                    : stored(b));
    FakeDelivery unreadable = new FakeDelivery(subjects.streamMessages("conv1"), "{oops", 4);

    StoreResult result =
        writer(store).write(List.of(message(1), message(2), message(3), unreadable));

    assertThat(store.writes)
        .extracting(BatchWriterUnitTests::seqs)
        .containsExactly(
            List.of(1L, 2L, 3L, 4L),
            List.of(1L),
            List.of(2L),
            List.of(2L),
            List.of(3L),
            List.of(4L));
    DeadLetter dead = store.writes.get(3).deadLetters().get(0);
    assertThat(dead.error()).startsWith("rejected: ").contains("23514");
    assertThat(dead.payload()).isEqualTo(message(2).data());
    assertThat(result.inserted()).isEqualTo(2);
    assertThat(result.deadLettered()).isEqualTo(2);
    assertThat(counter("parley.worker.dead.letters")).isEqualTo(2);
  }

  @Test
  void anEntryThatCannotEvenBeSetAsideIsDroppedWithoutItsPayloadInTheLog() throws Exception {
    ScriptedStore refusingAll =
        new ScriptedStore(
            b ->
                Future.failedFuture(
                    new PgException("violates check constraint", "ERROR", "23514", null)));
    ChatMessage secret =
        new ChatMessage(
            "m7",
            "conv1",
            0,
            null,
            "alice",
            ChatMessage.TEXT,
            "the launch code is 0000",
            null,
            new JsonArray(),
            new JsonArray(),
            "c7",
            Instant.parse("2024-05-01T10:00:00Z"),
            null,
            false,
            null);
    Logger logger = (Logger) LoggerFactory.getLogger(BatchWriter.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      writer(refusingAll)
          .write(
              List.of(
                  new FakeDelivery(
                      subjects.streamMessages("conv1"), secret.toDraftJson().encode(), 7)));
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("Dropping stream entry stream=T_STREAM seq=7")
                    .contains("conv1")
                    .contains("nats stream get T_STREAM 7")
                    .contains("23514"))
        .allSatisfy(line -> assertThat(line).doesNotContain("launch code"));
    assertThat(counter("parley.worker.dead.letters")).isEqualTo(1);
  }

  @Test
  void onlyEventsMeansNothingToWrite() throws Exception {
    ScriptedStore store = new ScriptedStore(BatchWriterUnitTests::stored);
    FakeDelivery event =
        new FakeDelivery(
            subjects.streamEvents("conv1"), "{\"type\":\"message.updated\",\"data\":{}}", 5);

    writer(store).write(List.of(event, event));

    assertThat(store.writes).isEmpty();
    assertThat(
            registry
                .get("parley.worker.events.skipped")
                .tag("type", "message.updated")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void stoppingDuringAnOutageAbandonsTheBatch() {
    ScriptedStore store =
        new ScriptedStore(
            b -> {
              stop.stop();
              return Future.failedFuture(new IOException("Connection refused"));
            });

    assertThatThrownBy(() -> writer(store).write(List.of(message(1))))
        .isInstanceOf(AbandonedException.class);
    assertThat(state.postgresFailure()).hasMessageContaining("Connection refused");
  }
}
