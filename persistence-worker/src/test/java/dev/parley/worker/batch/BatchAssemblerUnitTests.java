package dev.parley.worker.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchAssemblerUnitTests {
  private static final Duration WAIT = Duration.ofMillis(10);
  private static final Duration IDLE = Duration.ofSeconds(1);

  /** Entries arriving at scripted times on a fake clock; a wait with nothing due just moves the clock. */
  private static final class ScriptedSource implements DeliverySource {
    long now;
    int calls;
    final Deque<long[]> arrivals = new ArrayDeque<>(); // {atNanos, seq}

    ScriptedSource at(long millis, long seq) {
      arrivals.add(new long[] {Duration.ofMillis(millis).toNanos(), seq});
      return this;
    }

    @Override
    public Delivery next(Duration timeout) {
      calls++;
      long[] head = arrivals.peek();
      if (head == null || head[0] > now + timeout.toNanos()) {
        now += timeout.toNanos();
        return null;
      }
      arrivals.poll();
      now = Math.max(now, head[0]);
      return FakeDelivery.seq(head[1]);
    }

    @Override
    public void close() {}
  }

  private static List<Long> seqs(List<Delivery> batch) {
    return batch.stream().map(Delivery::streamSeq).toList();
  }

  @Test
  void batchClosesWhenFull() throws Exception {
    ScriptedSource source = new ScriptedSource();
    for (long i = 1; i <= 10; i++) {
      source.at(0, i);
    }
    BatchAssembler assembler = new BatchAssembler(source, 4, WAIT, IDLE, () -> source.now);

    assertThat(seqs(assembler.next())).containsExactly(1L, 2L, 3L, 4L);
    assertThat(seqs(assembler.next())).containsExactly(5L, 6L, 7L, 8L);
    assertThat(seqs(assembler.next())).containsExactly(9L, 10L);
    assertThat(source.now).as("only the short last batch waited").isEqualTo(WAIT.toNanos());
  }

  @Test
  void batchClosesWhenTheWaitAfterItsFirstEntryIsOver() throws Exception {
    ScriptedSource source = new ScriptedSource().at(0, 1).at(3, 2).at(9, 3).at(12, 4).at(15, 5);
    BatchAssembler assembler = new BatchAssembler(source, 500, WAIT, IDLE, () -> source.now);

    assertThat(seqs(assembler.next())).containsExactly(1L, 2L, 3L);
    assertThat(seqs(assembler.next())).containsExactly(4L, 5L);
  }

  @Test
  void waitingForTheFirstEntryDoesNotShortenTheBatch() throws Exception {
    ScriptedSource source = new ScriptedSource().at(700, 1).at(705, 2);
    BatchAssembler assembler = new BatchAssembler(source, 500, WAIT, IDLE, () -> source.now);

    assertThat(seqs(assembler.next())).containsExactly(1L, 2L);
  }

  @Test
  void idleStreamGivesAnEmptyBatchAfterOneBlockingPoll() throws Exception {
    ScriptedSource source = new ScriptedSource().at(5_000, 1);
    BatchAssembler assembler = new BatchAssembler(source, 500, WAIT, IDLE, () -> source.now);

    assertThat(assembler.next()).isEmpty();
    assertThat(source.calls).as("one blocking call, no spinning").isEqualTo(1);
    assertThat(source.now).isEqualTo(IDLE.toNanos());
  }

  @Test
  void batchOfOneWhenMaxIsOne() throws Exception {
    ScriptedSource source = new ScriptedSource().at(0, 1).at(0, 2);
    BatchAssembler assembler = new BatchAssembler(source, 1, WAIT, IDLE, () -> source.now);

    assertThat(seqs(assembler.next())).containsExactly(1L);
    assertThat(seqs(assembler.next())).containsExactly(2L);
    assertThat(source.now).isZero();
  }
}
