package dev.parley.loadgen.query;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * The background writes: real sends ({@code POST /api/v1/conversations/{id}/messages}) at a fixed
 * rate, spread over writers, each a user sending into its own conversation, so no one user goes
 * past {@code rate / writers} per second. Paced by the clock: each tick sends what is due since the
 * start, so a slow tick is caught up rather than lost; what could not be sent within a second of
 * its time is counted as behind (the load generator, not the server, was then the limit).
 *
 * <p>Until {@link #writeToOwnConversations} the writers all send to the warm-up conversation.
 */
final class PacedWriter {
  /** Sends one writer may have unanswered; past it the writer is counted as behind. */
  private static final int MAX_IN_FLIGHT_PER_WRITER = 64;

  record Writer(String userId, String conversationId, long seededLastSeq) {}

  private final Vertx vertx;
  private final WebClient http;
  private final List<String> gateways;
  private final BenchTokens tokens;
  private final List<Writer> writers;
  private final double rate;
  private final Histogram ackMicros = new SynchronizedHistogram(60_000_000L, 3);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong behind = new AtomicLong();
  private final AtomicLong seqBelowSeed = new AtomicLong();
  private final AtomicLong highestSeq = new AtomicLong();
  private final Map<String, Long> failures = new java.util.concurrent.ConcurrentHashMap<>();
  private final int[] inFlight;
  private volatile boolean ownConversations;
  private long timer = -1;
  private long startNanos;
  private long issued;

  PacedWriter(
      Vertx vertx,
      WebClient http,
      List<String> gateways,
      BenchTokens tokens,
      List<Writer> writers,
      double rate) {
    this.vertx = vertx;
    this.http = http;
    this.gateways = gateways;
    this.tokens = tokens;
    this.writers = writers;
    this.rate = rate;
    this.inFlight = new int[writers.size()];
  }

  void start() {
    vertx.runOnContext(
        v -> {
          startNanos = System.nanoTime();
          timer = vertx.setPeriodic(5, id -> tick());
        });
  }

  void stop() {
    vertx.runOnContext(v -> vertx.cancelTimer(timer));
  }

  void writeToOwnConversations() {
    ownConversations = true;
  }

  /** The highest stream seq a send was answered with so far. */
  long highestSeq() {
    return highestSeq.get();
  }

  private void tick() {
    long due = (long) ((System.nanoTime() - startNanos) / 1e9 * rate);
    // more than a second late: give those up and count them, rather than burst
    if (due - issued > rate) {
      behind.addAndGet(due - issued - (long) rate);
      issued = due - (long) rate;
    }
    while (issued < due) {
      int w = (int) (issued % writers.size());
      issued++;
      if (inFlight[w] >= MAX_IN_FLIGHT_PER_WRITER) {
        behind.incrementAndGet();
        continue;
      }
      send(w);
    }
  }

  private void send(int w) {
    Writer writer = writers.get(w);
    String conversation =
        ownConversations ? writer.conversationId() : QuerySeed.WARMUP_CONVERSATION;
    String gateway = gateways.get(w % gateways.size());
    JsonObject body =
        new JsonObject()
            .put("content", Words.sentence(ThreadLocalRandom.current()))
            .put("client_msg_id", "bench-q-" + writer.userId() + "-" + System.nanoTime());
    inFlight[w]++;
    sent.incrementAndGet();
    long t0 = System.nanoTime();
    http.postAbs(gateway + "/api/v1/conversations/" + conversation + "/messages")
        .bearerTokenAuthentication(tokens.of(writer.userId()))
        .sendJsonObject(body)
        .onComplete(
            ar -> {
              inFlight[w]--;
              long micros = (System.nanoTime() - t0) / 1000;
              HttpResponse<Buffer> r = ar.succeeded() ? ar.result() : null;
              if (r != null && (r.statusCode() == 201 || r.statusCode() == 200)) {
                acked.incrementAndGet();
                ackMicros.recordValue(Math.min(micros, ackMicros.getHighestTrackableValue()));
                long seq = r.bodyAsJsonObject().getLong("seq");
                highestSeq.accumulateAndGet(seq, Math::max);
                if (conversation.equals(writer.conversationId()) && seq <= writer.seededLastSeq()) {
                  seqBelowSeed.incrementAndGet();
                }
              } else {
                failed.incrementAndGet();
                failures.merge(
                    r != null ? "http " + r.statusCode() : ar.cause().getClass().getSimpleName(),
                    1L,
                    Long::sum);
              }
            });
  }

  /** The figures of the whole run, as JSON. */
  JsonObject summary(double seconds) {
    return new JsonObject()
        .put("target_per_s", rate)
        .put("writers", writers.size())
        .put("sent", sent.get())
        .put("acked", acked.get())
        .put("acked_per_s", Math.round(acked.get() / seconds))
        .put("failed", failed.get())
        .put("failures", new JsonObject(Map.copyOf(failures)))
        .put("behind", behind.get())
        .put("seq_at_or_below_seed", seqBelowSeed.get())
        .put("ack_p50_ms", ms(ackMicros.getValueAtPercentile(50)))
        .put("ack_p99_ms", ms(ackMicros.getValueAtPercentile(99)))
        .put("ack_max_ms", ms(ackMicros.getMaxValue()));
  }

  long behind() {
    return behind.get();
  }

  long seqAtOrBelowSeed() {
    return seqBelowSeed.get();
  }

  static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }
}
