package dev.parley.gateway.files;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What uploads and downloads did, for {@code /metrics}. */
final class FileMetrics {
  private final MeterRegistry registry;
  private final Counter bytes;
  private final Counter uploads;
  private final Counter downloads;

  FileMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.bytes =
        Counter.builder("parley_files_uploaded_bytes_total")
            .description("bytes of files stored by uploads")
            .register(registry);
    this.uploads =
        Counter.builder("parley_files_uploads_total")
            .description("files stored by uploads")
            .register(registry);
    this.downloads =
        Counter.builder("parley_files_downloads_total")
            .description("file downloads started")
            .register(registry);
  }

  void stored(long size) {
    uploads.increment();
    bytes.increment(size);
  }

  /** reason: too_large (the file, or the quota), rate_limited, invalid, aborted (client went away) or failed (storage or database). */
  void rejected(String reason) {
    Counter.builder("parley_files_uploads_rejected_total")
        .description("uploads that stored nothing, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  void downloaded() {
    downloads.increment();
  }
}
