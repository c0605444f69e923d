package dev.parley.loadgen.persist;

import dev.parley.contract.Subjects;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.stream.StreamHeaders;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.Ids;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes message drafts into the stream exactly as a gateway's send does: the draft JSON on
 * {@code <prefix>.stream.[p<i>of<n>.]conv.<id>.msg}, a {@code Nats-Msg-Id} derived from (conversation,
 * sender, client_msg_id), the conversation's partition's stream named as expected. Publishes are
 * asynchronous with a bounded number in flight; each confirmed entry's sequence in its partition
 * is kept with the time it was sent.
 */
final class StreamFiller {
  private final JetStream js;
  private final Subjects subjects;
  private final PublishOptions[] options;
  private final List<PersistFixture.Conversation> conversations;
  private final String tag;
  private final Semaphore inFlight;
  private final int maxInFlight;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong[] highestSeq;
  private long sent;

  /** Per partition: seq → System.nanoTime() when it was sent; only while {@link #record} is on. */
  private final List<ConcurrentHashMap<Long, Long>> sentAt = new ArrayList<>();

  private volatile boolean record;

  StreamFiller(
      JetStream js,
      Subjects subjects,
      NatsSettings nats,
      List<PersistFixture.Conversation> conversations,
      String tag,
      int maxInFlight) {
    this.js = js;
    this.subjects = subjects;
    this.options = new PublishOptions[nats.partitions()];
    this.highestSeq = new AtomicLong[nats.partitions()];
    for (int i = 0; i < nats.partitions(); i++) {
      options[i] = PublishOptions.builder().expectedStream(nats.partition(i).streamName()).build();
      highestSeq[i] = new AtomicLong();
      sentAt.add(new ConcurrentHashMap<>());
    }
    this.conversations = conversations;
    this.tag = tag;
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
  }

  /** Publishes {@code count} drafts as fast as the bound on in-flight publishes allows. */
  void fill(long count) throws Exception {
    for (long i = 0; i < count; i++) {
      publishOne();
    }
    drain();
  }

  /**
   * Publishes at {@code perSecond} for {@code duration}, on schedule: a publish that falls behind
   * is sent at once (never skipped), so lateness shows up as lag rather than a lower rate.
   *
   * @return how far behind schedule the publisher was at worst, in ms
   */
  long paced(int perSecond, Duration duration) throws Exception {
    long start = System.nanoTime();
    long total = perSecond * duration.toMillis() / 1000;
    long worstBehind = 0;
    for (long i = 0; i < total; i++) {
      long due = start + i * 1_000_000_000L / perSecond;
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
      } else {
        worstBehind = Math.max(worstBehind, now - due);
      }
      publishOne();
    }
    drain();
    return TimeUnit.NANOSECONDS.toMillis(worstBehind);
  }

  /** Keep (seq, send time) of every publish from now on. */
  void recordSendTimes(boolean on) {
    record = on;
  }

  ConcurrentHashMap<Long, Long> sentAt(int partition) {
    return sentAt.get(partition);
  }

  /** The highest sequence of a partition a publish of this filler was given. */
  long highestSeq(int partition) {
    return highestSeq[partition].get();
  }

  private void publishOne() throws Exception {
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("a publish was not confirmed: " + failed, failed);
    }
    long n = sent++;
    PersistFixture.Conversation c = conversations.get((int) (n % conversations.size()));
    String sender = c.senders()[(int) (n / conversations.size() % 2)];
    String clientMsgId = tag + "-" + n;
    ChatMessage draft =
        new ChatMessage(
            Ids.newId(),
            c.id(),
            0,
            null,
            sender,
            ChatMessage.TEXT,
            "persist bench message " + n + " with a few words of text in it",
            null,
            new JsonArray(),
            new JsonArray(),
            clientMsgId,
            Instant.now(),
            null,
            false,
            null);
    Headers headers =
        new Headers().put(StreamHeaders.MSG_ID, Ids.dedupId(c.id(), sender, clientMsgId));
    byte[] body = draft.toDraftJson().encode().getBytes(StandardCharsets.UTF_8);
    inFlight.acquire();
    long sentNanos = System.nanoTime();
    boolean keep = record;
    int partition = subjects.partitionOf(c.id());
    js.publishAsync(subjects.streamMessages(c.id()), headers, body, options[partition])
        .whenComplete(
            (PublishAck ack, Throwable e) -> {
              inFlight.release();
              if (e != null) {
                failure.compareAndSet(null, e);
                return;
              }
              highestSeq[partition].accumulateAndGet(ack.getSeqno(), Math::max);
              if (keep) {
                sentAt.get(partition).put(ack.getSeqno(), sentNanos);
              }
            });
  }

  /** Waits until every publish so far is confirmed. */
  private void drain() throws Exception {
    if (!inFlight.tryAcquire(maxInFlight, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("publishes still unconfirmed after 60 s");
    }
    inFlight.release(maxInFlight);
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("a publish was not confirmed: " + failed, failed);
    }
  }
}
