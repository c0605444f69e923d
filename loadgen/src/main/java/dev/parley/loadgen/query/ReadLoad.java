package dev.parley.loadgen.query;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * One kind of read, closed loop: {@code concurrency} lanes, each sending its next request when the
 * previous one is answered, for a duration; every answer's latency (request written to body read)
 * into a histogram. A read answered other than 200 counts as failed, not as a latency.
 */
final class ReadLoad {
  /** A request to make: which user, which path (with its query). */
  record Read(String userId, String path) {}

  private final Vertx vertx;
  private final WebClient http;
  private final List<String> gateways;
  private final BenchTokens tokens;
  private final Histogram micros = new SynchronizedHistogram(60_000_000L, 3);
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Map<String, Long> failures = new ConcurrentHashMap<>();

  ReadLoad(Vertx vertx, WebClient http, List<String> gateways, BenchTokens tokens) {
    this.vertx = vertx;
    this.http = http;
    this.gateways = gateways;
    this.tokens = tokens;
  }

  /** Runs {@code next} reads on {@code concurrency} lanes until {@code seconds} have passed. */
  Future<Void> run(Supplier<Read> next, int concurrency, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    Promise<Void> done = Promise.promise();
    AtomicLong lanes = new AtomicLong(concurrency);
    for (int i = 0; i < concurrency; i++) {
      int lane = i;
      vertx.runOnContext(v -> lane(lane, next, deadline, lanes, done));
    }
    return done.future();
  }

  private void lane(
      int lane, Supplier<Read> next, long deadline, AtomicLong lanes, Promise<Void> done) {
    if (System.nanoTime() >= deadline) {
      if (lanes.decrementAndGet() == 0) {
        done.complete();
      }
      return;
    }
    Read read = next.get();
    String gateway =
        gateways.get((lane + ThreadLocalRandom.current().nextInt(2)) % gateways.size());
    long t0 = System.nanoTime();
    http.getAbs(gateway + read.path())
        .bearerTokenAuthentication(tokens.of(read.userId()))
        .send()
        .onComplete(
            ar -> {
              long us = (System.nanoTime() - t0) / 1000;
              HttpResponse<Buffer> r = ar.succeeded() ? ar.result() : null;
              if (r != null && r.statusCode() == 200) {
                ok.incrementAndGet();
                micros.recordValue(Math.min(us, micros.getHighestTrackableValue()));
              } else {
                failed.incrementAndGet();
                failures.merge(
                    r != null
                        ? "http " + r.statusCode() + " " + errorCode(r)
                        : ar.cause().getClass().getSimpleName(),
                    1L,
                    Long::sum);
              }
              lane(lane, next, deadline, lanes, done);
            });
  }

  private static String errorCode(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject().getJsonObject("error").getString("code");
    } catch (RuntimeException e) {
      return "";
    }
  }

  long ok() {
    return ok.get();
  }

  long failed() {
    return failed.get();
  }

  double p50Ms() {
    return PacedWriter.ms(micros.getValueAtPercentile(50));
  }

  double p99Ms() {
    return PacedWriter.ms(micros.getValueAtPercentile(99));
  }

  double maxMs() {
    return PacedWriter.ms(micros.getMaxValue());
  }

  JsonObject summary(double seconds) {
    return new JsonObject()
        .put("requests", ok.get())
        .put("per_s", Math.round(ok.get() / seconds))
        .put("failed", failed.get())
        .put("failures", new JsonObject(Map.copyOf(failures)))
        .put("p50_ms", p50Ms())
        .put("p99_ms", p99Ms())
        .put("max_ms", maxMs());
  }
}
