package dev.parley.system;

import dev.parley.testing.TestEnvironment;
import java.io.IOException;

/** {@link FilesBehaviour} with the files in a bucket of a local S3-compatible server (s3rver). */
class FilesOnS3IntegrationTests extends FilesBehaviour {
  FilesOnS3IntegrationTests(TestEnvironment env) throws IOException, InterruptedException {
    super(env, FileStoreUnderTest.s3());
  }
}
