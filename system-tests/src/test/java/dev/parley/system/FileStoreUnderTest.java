package dev.parley.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Where the gateways of a file test keep file contents, and how the test looks at them: a shared
 * directory, or a bucket of a local S3-compatible server.
 */
interface FileStoreUnderTest extends AutoCloseable {
  /** The gateways' settings for this store. */
  Map<String, String> settings();

  /** Names of everything stored, partial uploads included. */
  List<String> objects();

  /** Partial uploads as they are written; empty where they are invisible until committed. */
  List<String> partials();

  /** Whether a partial upload is visible while it streams (a directory: yes; S3: no). */
  boolean partialsVisible();

  /** Removes a file's bytes behind the gateways' back. */
  void delete(String fileId);

  @Override
  void close() throws Exception;

  static FileStoreUnderTest directory() throws IOException {
    Path dir = Files.createTempDirectory("parley-files-");
    return new FileStoreUnderTest() {
      @Override
      public Map<String, String> settings() {
        // both gateways share the directory, as they would share a volume
        return Map.of("PARLEY_FILES_DIR", dir.toString());
      }

      private List<Path> files() {
        try (Stream<Path> all = Files.walk(dir)) {
          return all.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public List<String> objects() {
        return files().stream().map(p -> p.getFileName().toString()).sorted().toList();
      }

      @Override
      public List<String> partials() {
        return objects().stream().filter(n -> n.endsWith(".part")).toList();
      }

      @Override
      public boolean partialsVisible() {
        return true;
      }

      @Override
      public void delete(String fileId) {
        try {
          Files.delete(
              files().stream()
                  .filter(p -> p.getFileName().toString().equals(fileId))
                  .findFirst()
                  .orElseThrow());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void close() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
          all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    };
  }

  /**
   * A bucket on a local s3rver. The in-process gateways find its credentials through the AWS SDK's
   * default chain, here its system properties ({@code aws.accessKeyId}, {@code aws.secretAccessKey}).
   */
  static FileStoreUnderTest s3() throws IOException, InterruptedException {
    S3rverProcess server = S3rverProcess.start("parley-files");
    System.setProperty("aws.accessKeyId", S3rverProcess.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3rverProcess.SECRET_KEY);
    S3Client s3 =
        S3Client.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(server.endpoint()))
            .forcePathStyle(true)
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3rverProcess.ACCESS_KEY, S3rverProcess.SECRET_KEY)))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
    return new FileStoreUnderTest() {
      @Override
      public Map<String, String> settings() {
        return Map.of(
            "PARLEY_FILES_STORE",
            "s3",
            "PARLEY_S3_BUCKET",
            server.bucket(),
            "PARLEY_S3_ENDPOINT",
            server.endpoint(),
            "PARLEY_S3_PATH_STYLE",
            "true");
      }

      @Override
      public List<String> objects() {
        return s3.listObjectsV2Paginator(r -> r.bucket(server.bucket())).contents().stream()
            .map(S3Object::key)
            .sorted()
            .toList();
      }

      @Override
      public List<String> partials() {
        return List.of();
      }

      @Override
      public boolean partialsVisible() {
        return false;
      }

      @Override
      public void delete(String fileId) {
        s3.deleteObject(r -> r.bucket(server.bucket()).key(fileId));
      }

      @Override
      public void close() throws Exception {
        s3.close();
        server.close();
      }
    };
  }
}
