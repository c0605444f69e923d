package dev.parley.gateway.config;

import dev.parley.contract.config.Env;
import java.nio.file.Path;

/**
 * Where uploaded files go and how large one may be. Every gateway must see the same directory (a
 * shared volume) for a file uploaded through one node to download through another.
 *
 * @param directory {@code PARLEY_FILES_DIR}, relative to the working directory unless absolute
 * @param maxUploadBytes {@code PARLEY_MAX_UPLOAD_BYTES}: a larger file is refused (413) while it streams in
 */
public record FileSettings(Path directory, int maxUploadBytes) {
  public static final String DEFAULT_DIRECTORY = "data/files";
  public static final int DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

  public static FileSettings fromEnv(Env env) {
    return new FileSettings(
        Path.of(env.string("PARLEY_FILES_DIR", DEFAULT_DIRECTORY)).toAbsolutePath().normalize(),
        env.integer("PARLEY_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 1, Integer.MAX_VALUE));
  }
}
