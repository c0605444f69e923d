package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where uploaded files go, how large one may be, how much one user may keep, and when files nothing
 * uses are swept. Every gateway must see the same directory (a shared volume) or the same S3 bucket
 * for a file uploaded through one node to download through another.
 *
 * @param store {@code PARLEY_FILES_STORE}: {@code fs} (the directory) or {@code s3} (a bucket)
 * @param s3 the bucket's settings, with {@code PARLEY_FILES_STORE=s3} only
 * @param directory {@code PARLEY_FILES_DIR}, relative to the working directory unless absolute
 * @param maxUploadBytes {@code PARLEY_MAX_UPLOAD_BYTES}: a larger file is refused (413) while it streams in
 * @param quotaBytes {@code PARLEY_FILES_QUOTA_BYTES}: bytes of stored files one user may have; an
 *     upload past it is refused (413)
 * @param sweepAge {@code PARLEY_FILES_SWEEP_AGE}: a file no live message uses, or an abandoned
 *     partial upload, older than this is deleted
 * @param sweepInterval {@code PARLEY_FILES_SWEEP_INTERVAL}: how often each gateway sweeps
 */
public record FileSettings(
    Store store,
    Optional<S3Settings> s3,
    Path directory,
    int maxUploadBytes,
    long quotaBytes,
    Duration sweepAge,
    Duration sweepInterval) {
  public static final String DEFAULT_DIRECTORY = "data/files";
  public static final int DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
  public static final long DEFAULT_QUOTA_BYTES = 1024L * 1024 * 1024;

  /** Where file contents live. */
  public enum Store {
    FS,
    S3
  }

  public static FileSettings fromEnv(Env env) {
    Store store = env.enumeration("PARLEY_FILES_STORE", Store.class, Store.FS);
    Optional<S3Settings> s3 =
        store == Store.S3 ? Optional.of(S3Settings.fromEnv(env)) : Optional.empty();
    Duration age = env.duration("PARLEY_FILES_SWEEP_AGE", Duration.ofHours(24));
    Duration interval = env.duration("PARLEY_FILES_SWEEP_INTERVAL", Duration.ofHours(1));
    if (age.isZero() || interval.isZero()) {
      throw new ConfigException(
          "PARLEY_FILES_SWEEP_AGE and PARLEY_FILES_SWEEP_INTERVAL must be longer than zero");
    }
    return new FileSettings(
        store,
        s3,
        Path.of(env.string("PARLEY_FILES_DIR", DEFAULT_DIRECTORY)).toAbsolutePath().normalize(),
        env.integer("PARLEY_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 1, Integer.MAX_VALUE),
        env.longInteger("PARLEY_FILES_QUOTA_BYTES", DEFAULT_QUOTA_BYTES, 1, Long.MAX_VALUE),
        age,
        interval);
  }
}
