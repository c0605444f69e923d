package dev.parley.system.faults;

import dev.parley.system.load.LoadClient;
import dev.parley.system.load.SendOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of the fault table: the {@link Verdict}'s counts, ack latency before the fault (sends
 * begun in the {@link #BEFORE_WINDOW} before it: the steady state, past warm-up) and after it
 * (every send begun from the fault on, its retries included), and how long until every client was back (connected, resumed, and, if it sends, its first
 * send begun after the fault acknowledged), counted from the fault's start.
 */
record RowResult(
    String fault,
    Verdict verdict,
    int failedSends,
    long retries,
    long errorAnswers,
    double p99BeforeMs,
    double p99AfterMs,
    double backSeconds,
    String note) {
  static final long BEFORE_WINDOW = Duration.ofSeconds(5).toNanos();

  static RowResult of(
      String fault, Verdict verdict, SteadyLoad load, long faultAtNanos, String note) {
    List<SendOutcome> outcomes = load.outcomes();
    List<Long> before = new ArrayList<>();
    List<Long> after = new ArrayList<>();
    long windowStart = faultAtNanos - BEFORE_WINDOW;
    long retries = 0;
    long errors = 0;
    for (SendOutcome o : outcomes) {
      if (o.startedNanos() >= faultAtNanos) {
        after.add(o.latencyNanos());
      } else if (o.startedNanos() >= windowStart) {
        before.add(o.latencyNanos());
      }
      retries += o.attempts() - 1;
      errors += o.errorAnswers();
    }
    return new RowResult(
        fault,
        verdict,
        load.failures().size(),
        retries,
        errors,
        p99Millis(before),
        p99Millis(after),
        backSeconds(load, outcomes, faultAtNanos),
        note);
  }

  /** Every client back, in seconds after the fault; infinite when one never came back. */
  static double backSeconds(SteadyLoad load, List<SendOutcome> outcomes, long faultAtNanos) {
    long last = faultAtNanos;
    for (LoadClient c : load.clients()) {
      boolean left = c.ends().stream().anyMatch(e -> e.atNanos() >= faultAtNanos);
      if (left) {
        if (c.resumedAtNanos() < faultAtNanos
            || c.ends().get(c.ends().size() - 1).atNanos() > c.resumedAtNanos()) {
          return Double.POSITIVE_INFINITY;
        }
        last = Math.max(last, c.resumedAtNanos());
      }
      long firstAck =
          outcomes.stream()
              .filter(
                  o ->
                      o.startedNanos() >= faultAtNanos
                          && c.conversations().contains(o.conversationId())
                          && o.clientMsgId().startsWith(c.userId() + "-m"))
              .mapToLong(SendOutcome::ackedNanos)
              .min()
              .orElse(faultAtNanos);
      last = Math.max(last, firstAck);
    }
    return (last - faultAtNanos) / 1e9;
  }

  static double p99Millis(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(nanos);
    sorted.sort(null);
    int index = (int) Math.ceil(sorted.size() * 0.99) - 1;
    return sorted.get(Math.max(0, index)) / 1e6;
  }

  String markdown() {
    return String.format(
        "| %s | %d | %d | %d | %d | %s | %s | %s | %d | %s |",
        fault,
        verdict.acked(),
        verdict.lost(),
        verdict.storedTwice(),
        verdict.clientGaps(),
        ms(p99BeforeMs),
        ms(p99AfterMs),
        Double.isInfinite(backSeconds) ? "never" : String.format("%.1f s", backSeconds),
        retries,
        note);
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "–" : String.format("%.0f ms", v);
  }
}
