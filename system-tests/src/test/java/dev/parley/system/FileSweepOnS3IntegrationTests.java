package dev.parley.system;

import dev.parley.testing.TestEnvironment;
import java.io.IOException;

/**
 * {@link FileSweepBehaviour} with the files in a bucket of a local S3-compatible server (s3rver).
 * Abandoned multipart uploads are not tested here: s3rver cannot list them (a bucket lifecycle rule
 * removes them where the server cannot either, as docs/configuration.md says).
 */
class FileSweepOnS3IntegrationTests extends FileSweepBehaviour {
  FileSweepOnS3IntegrationTests(TestEnvironment env) throws IOException, InterruptedException {
    super(env, FileStoreUnderTest.s3());
  }
}
