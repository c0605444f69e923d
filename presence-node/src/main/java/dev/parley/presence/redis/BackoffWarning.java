package dev.parley.presence.redis;

import org.slf4j.Logger;

/**
 * Warns about a failing dependency without flooding the log: the first failure is logged at once,
 * then at most one warning per backoff period (doubling up to a cap), each saying how many failures
 * it stands for. The first success after failures is logged at INFO. Thread-safe: failures arrive
 * from several contexts.
 */
final class BackoffWarning {
  private static final long FIRST_BACKOFF_MS = 1_000;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Logger log;
  private final String dependency;
  private long failures;
  private long suppressed;
  private long nextWarnAt;
  private long backoffMs = FIRST_BACKOFF_MS;

  BackoffWarning(Logger log, String dependency) {
    this.log = log;
    this.dependency = dependency;
  }

  synchronized void failed(String context, Throwable cause) {
    failures++;
    long now = System.currentTimeMillis();
    if (now < nextWarnAt) {
      suppressed++;
      return;
    }
    String more =
        suppressed == 0 ? "" : " (" + suppressed + " more failures since the last warning)";
    log.warn(
        "{} failed: {}: {}{}; next warning in {} ms at the earliest",
        dependency,
        context,
        describe(cause),
        more,
        backoffMs);
    suppressed = 0;
    nextWarnAt = now + backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }

  synchronized void succeeded() {
    if (failures > 0) {
      log.info("{} is working again after {} failures", dependency, failures);
      failures = 0;
      suppressed = 0;
      nextWarnAt = 0;
      backoffMs = FIRST_BACKOFF_MS;
    }
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
