package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.net.URI;
import java.util.Optional;

/**
 * The S3 bucket uploaded files go to when {@code PARLEY_FILES_STORE=s3}. Credentials are not
 * settings of ours: the AWS SDK's default chain finds them (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY, the shared credentials file and AWS_PROFILE, web identity, container or
 * instance roles).
 *
 * @param bucket {@code PARLEY_S3_BUCKET}
 * @param endpoint {@code PARLEY_S3_ENDPOINT}: an S3-compatible server's URL; empty for AWS
 * @param region {@code PARLEY_S3_REGION}
 * @param pathStyle {@code PARLEY_S3_PATH_STYLE}: {@code <endpoint>/<bucket>/<key>} URLs instead of
 *     {@code <bucket>.<endpoint>/<key>}, as most compatible servers want
 */
public record S3Settings(String bucket, Optional<URI> endpoint, String region, boolean pathStyle) {

  static S3Settings fromEnv(Env env) {
    String bucket = env.required("PARLEY_S3_BUCKET", "the S3 bucket for uploaded files");
    Optional<URI> endpoint =
        env.optional("PARLEY_S3_ENDPOINT")
            .map(
                raw -> {
                  URI uri = URI.create(raw);
                  if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    throw new ConfigException(
                        "PARLEY_S3_ENDPOINT=" + raw + " must be an http:// or https:// URL");
                  }
                  return uri;
                });
    return new S3Settings(
        bucket,
        endpoint,
        env.string("PARLEY_S3_REGION", "us-east-1"),
        env.bool("PARLEY_S3_PATH_STYLE", false));
  }
}
