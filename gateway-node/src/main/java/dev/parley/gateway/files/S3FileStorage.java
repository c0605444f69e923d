package dev.parley.gateway.files;

import dev.parley.contract.wire.Ids;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Files as objects of an S3 bucket (AWS, or any S3-compatible store), under their keys. The SDK's
 * synchronous client does the calls on a worker pool of this storage's own, never on an event loop;
 * uploads go out a part at a time ({@link S3Pending}) and downloads are read a chunk at a time as
 * the client takes them ({@link InputStreamReadStream}), so no whole file sits in memory.
 *
 * <p>Abandoned uploads (a gateway died mid-upload) are multipart uploads never completed; the sweep
 * aborts those older than the sweep age. A bucket lifecycle rule
 * ({@code AbortIncompleteMultipartUpload}) does the same on AWS; a server that cannot list them
 * (501) is left to such a rule, with a warning.
 */
public final class S3FileStorage implements FileStorage {
  private static final Logger log = LoggerFactory.getLogger(S3FileStorage.class);

  /**
   * Threads for the blocking S3 calls: each part sent, chunk read, delete or listing holds one while
   * it runs. A retry policy of the pool, not a setting.
   */
  static final int POOL_SIZE = 16;

  private final Vertx vertx;
  private final String bucket;
  private final Optional<URI> endpoint;
  private final String region;
  private final boolean pathStyle;
  private final WorkerExecutor workers;
  private volatile S3Client s3;
  private boolean warnedNoListing;

  /**
   * A bucket on AWS ({@code endpoint} empty) or on an S3-compatible server; {@code pathStyle} for
   * {@code <endpoint>/<bucket>/<key>} URLs. Credentials come from the SDK's default chain.
   */
  public S3FileStorage(
      Vertx vertx, String bucket, Optional<URI> endpoint, String region, boolean pathStyle) {
    this.vertx = vertx;
    this.bucket = bucket;
    this.endpoint = endpoint;
    this.region = region;
    this.pathStyle = pathStyle;
    this.workers = vertx.createSharedWorkerExecutor("parley-files-s3", POOL_SIZE);
  }

  /**
   * Builds the client (the credential chain may read files or ask an instance endpoint: on a
   * worker) and checks the bucket is there and reachable, so a bad setting fails the node's start.
   */
  @Override
  public Future<Void> prepare() {
    return workers
        .<Void>executeBlocking(
            () -> {
              S3ClientBuilder builder =
                  S3Client.builder()
                      .region(Region.of(region))
                      .httpClientBuilder(UrlConnectionHttpClient.builder())
                      .forcePathStyle(pathStyle);
              endpoint.ifPresent(
                  uri ->
                      // compatible servers often store the SDK's aws-chunked bodies (chunk
                      // signatures, trailing checksums) as they are: plain signed bodies, and
                      // checksums only where S3 requires them
                      builder
                          .endpointOverride(uri)
                          .serviceConfiguration(
                              S3Configuration.builder().chunkedEncodingEnabled(false).build())
                          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
              s3 = builder.build();
              s3.headBucket(r -> r.bucket(bucket));
              return null;
            },
            false)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot use the S3 bucket "
                            + bucket
                            + " for uploaded files (PARLEY_S3_BUCKET, PARLEY_S3_ENDPOINT, credentials): "
                            + e.getMessage(),
                        e)));
  }

  @Override
  public Future<Pending> create(String key) {
    checkKey(key);
    return Future.succeededFuture(new S3Pending(s3, workers, bucket, key));
  }

  @Override
  public Future<Opened> open(String key) {
    checkKey(key);
    Context context = vertx.getOrCreateContext();
    return workers
        .<ResponseInputStream<GetObjectResponse>>executeBlocking(
            () -> s3.getObject(r -> r.bucket(bucket).key(key)), false)
        .<Opened>map(
            body -> {
              InputStreamReadStream stream = new InputStreamReadStream(body, workers, context);
              return new Opened() {
                @Override
                public ReadStream<Buffer> stream() {
                  return stream;
                }

                @Override
                public Future<Void> close() {
                  return workers.executeBlocking(
                      () -> {
                        stream.close();
                        return null;
                      },
                      false);
                }
              };
            })
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof NoSuchKeyException ? new MissingException(key, e) : e));
  }

  @Override
  public Future<Void> delete(String key) {
    checkKey(key);
    // S3 answers a delete of a missing key with success: absent is fine, as the contract says
    return workers.executeBlocking(
        () -> {
          s3.deleteObject(r -> r.bucket(bucket).key(key));
          return null;
        },
        false);
  }

  @Override
  public Future<Integer> removeAbandoned(Duration age) {
    Instant cutoff = Instant.now().minus(age);
    return workers
        .executeBlocking(
            () -> {
              int removed = 0;
              for (MultipartUpload u :
                  s3.listMultipartUploadsPaginator(r -> r.bucket(bucket)).uploads()) {
                if (u.initiated().isBefore(cutoff)) {
                  s3.abortMultipartUpload(
                      r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                  removed++;
                }
              }
              return removed;
            },
            false)
        .recover(
            e -> {
              if (e instanceof S3Exception s && s.statusCode() == 501) {
                if (!warnedNoListing) {
                  warnedNoListing = true;
                  log.warn(
                      "the S3 server of bucket {} cannot list multipart uploads (501): abandoned uploads are left to a lifecycle rule (AbortIncompleteMultipartUpload)",
                      bucket);
                }
                return Future.succeededFuture(0);
              }
              return Future.failedFuture(e);
            });
  }

  /** Closes the worker pool and the client. */
  @Override
  public Future<Void> close() {
    return workers
        .close()
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      if (s3 != null) {
                        s3.close();
                      }
                      return null;
                    }));
  }

  private static void checkKey(String key) {
    // keys are ids we generate; anything else is a bug upstream
    if (!Ids.isGeneratedId(key)) {
      throw new IllegalArgumentException("not a storage key: " + key);
    }
  }
}
