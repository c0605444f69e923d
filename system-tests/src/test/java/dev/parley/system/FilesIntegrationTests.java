package dev.parley.system;

import dev.parley.testing.TestEnvironment;
import java.io.IOException;

/** {@link FilesBehaviour} with the files in a directory both gateways share. */
class FilesIntegrationTests extends FilesBehaviour {
  FilesIntegrationTests(TestEnvironment env) throws IOException {
    super(env, FileStoreUnderTest.directory());
  }
}
