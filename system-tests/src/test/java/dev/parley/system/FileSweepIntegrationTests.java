package dev.parley.system;

import dev.parley.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link FileSweepBehaviour} with the files in a directory both gateways share; and a partial upload
 * left there by a crash is removed once older than the age.
 */
class FileSweepIntegrationTests extends FileSweepBehaviour {
  FileSweepIntegrationTests(TestEnvironment env) throws IOException {
    super(env, FileStoreUnderTest.directory());
  }

  @Test
  void aPartialUploadOlderThanTheAgeIsRemoved() throws IOException {
    Path dir = Path.of(store.settings().get("PARLEY_FILES_DIR"));
    Path bucket = Files.createDirectories(dir.resolve("zz"));
    Path crashed = Files.write(bucket.resolve("zzCrashedMidUpload00000.part"), new byte[10]);
    Files.setLastModifiedTime(crashed, FileTime.from(Instant.now().minus(AGE).minusSeconds(60)));

    awaitGone("the partial upload", () -> !Files.exists(crashed));
    awaitGone("the partial uploads' count", () -> partialsSwept() >= 1);
  }
}
