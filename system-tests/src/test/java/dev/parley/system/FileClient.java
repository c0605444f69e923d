package dev.parley.system;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Uploads and downloads over plain HTTP, with the multipart body written by hand so a test decides
 * what the server gets: the field name, the part's headers, a declared length or a chunked stream.
 * Every answer is checked against docs/openapi.yaml, as {@link Api}'s are.
 */
final class FileClient implements AutoCloseable {
  private static final String BOUNDARY = "----parley-test-boundary-7MA4YWxkTrZu0gW";

  private final HttpClient client;
  private final int port;
  private final ContractSchemas contract = ContractSchemas.shared();

  FileClient(Vertx vertx, int port) {
    this.client = vertx.createHttpClient();
    this.port = port;
  }

  /** A response: status, headers, raw body (and the body as JSON when it is JSON). */
  record Response(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return new JsonObject(body.toString(StandardCharsets.UTF_8));
    }

    String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  /** One multipart part: a file when {@code filename} is given, else a plain field. */
  record Part(String field, String filename, String contentType, Buffer content) {}

  static Buffer multipart(Part... parts) {
    Buffer body = Buffer.buffer();
    for (Part p : parts) {
      body.appendString("--" + BOUNDARY + "\r\n");
      body.appendString(
          "Content-Disposition: form-data; name=\""
              + p.field()
              + "\""
              + (p.filename() == null ? "" : "; filename=\"" + p.filename() + "\"")
              + "\r\n",
          "UTF-8");
      if (p.contentType() != null) {
        body.appendString("Content-Type: " + p.contentType() + "\r\n");
      }
      body.appendString("\r\n").appendBuffer(p.content()).appendString("\r\n");
    }
    return body.appendString("--" + BOUNDARY + "--\r\n");
  }

  Response upload(String token, Part... parts) {
    return post(token, "multipart/form-data; boundary=" + BOUNDARY, multipart(parts), false);
  }

  /**
   * POSTs {@code body}; {@code chunked} sends it without a declared length, in 8 KiB chunks, so
   * only counting while reading can tell its size.
   */
  Response post(String token, String contentType, Buffer body, boolean chunked) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/api/v1/files");
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      options.addHeader("Content-Type", contentType);
    }
    return Cluster.await(
        client
            .request(options)
            .compose(
                req -> {
                  if (!chunked) {
                    return req.send(body).compose(this::read);
                  }
                  req.setChunked(true);
                  var response = req.response().compose(this::read);
                  for (int at = 0; at < body.length(); at += 8192) {
                    req.write(body.slice(at, Math.min(body.length(), at + 8192)));
                  }
                  req.end();
                  return response;
                }));
  }

  /**
   * Starts a chunked upload, writes {@code head} (the start of the multipart body), waits for
   * {@code whileOpen} to return, then drops the connection without finishing the body.
   */
  void abandonUpload(String token, Buffer head, Runnable whileOpen) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/api/v1/files")
            .addHeader("Authorization", "Bearer " + token)
            .addHeader("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    var req = Cluster.await(client.request(options));
    req.exceptionHandler(e -> {}); // the close below is the point
    req.setChunked(true);
    Cluster.await(req.write(head));
    whileOpen.run();
    Cluster.await(req.connection().close());
  }

  Response download(String token, String fileId) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/api/v1/files/" + fileId)
            .addHeader("Authorization", "Bearer " + token);
    return Cluster.await(client.request(options).compose(req -> req.send().compose(this::read)));
  }

  /** The answer, once checked against docs/openapi.yaml ({@link ContractSchemas}). */
  private Future<Response> read(HttpClientResponse resp) {
    return resp.body()
        .map(
            b -> {
              contract.checkResponse(
                  resp.request().getMethod().name(),
                  resp.request().getURI(),
                  resp.statusCode(),
                  resp.getHeader("Content-Type"),
                  b.toString(StandardCharsets.UTF_8));
              return new Response(resp.statusCode(), resp.headers(), b);
            });
  }

  @Override
  public void close() {
    Cluster.await(client.close());
  }
}
