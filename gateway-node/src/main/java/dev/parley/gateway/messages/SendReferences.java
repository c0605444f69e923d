package dev.parley.gateway.messages;

import dev.parley.contract.wire.ErrorCode;
import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.failure.Failures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks what a send points at: the message it replies to and the files it attaches. */
final class SendReferences {
  private static final Logger log = LoggerFactory.getLogger(SendReferences.class);

  /** Longest a reply check may hold a send up (the locator may wait for the worker meanwhile). */
  private static final long REPLY_CHECK_TIMEOUT_MS = 2500;

  private final Pool pool;
  private final MessageLocator locator;

  SendReferences(Pool pool, MessageLocator locator) {
    this.pool = pool;
    this.locator = locator;
  }

  /**
   * The attached files as the message shows them ({@code {id,name,size,content_type}}), in the
   * order given. Each must exist and have been uploaded by the sender (400 otherwise, the same
   * answer for both, so nobody learns of other people's files). Needs Postgres: without it a
   * message with files is refused with 503, while text sends carry on.
   */
  Future<JsonArray> files(String senderId, List<String> fileIds) {
    if (fileIds.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    return pool.preparedQuery(MessageSql.OWN_FILES)
        .execute(Tuple.of(fileIds.toArray(String[]::new), senderId))
        .recover(Failures::database)
        .compose(
            rows -> {
              Map<String, JsonObject> found = new HashMap<>();
              for (Row r : rows) {
                found.put(
                    r.getString("id"),
                    new JsonObject()
                        .put("id", r.getString("id"))
                        .put("name", r.getString("name"))
                        .put("size", r.getLong("size"))
                        .put("content_type", r.getString("content_type")));
              }
              JsonArray files = new JsonArray();
              for (String id : fileIds) {
                JsonObject file = found.get(id);
                if (file == null) {
                  return Future.failedFuture(
                      ApiException.invalid("attachment_ids: no file " + id + " uploaded by you"));
                }
                files.add(file);
              }
              return Future.succeededFuture(files);
            });
  }

  /**
   * Succeeds when {@code replyToId} names a message of the conversation (deleted ones included:
   * their slot stays); 400 when it names none. A check that cannot finish (Postgres unreachable,
   * or the worker too far behind to tell) lets the send through unchecked: a reply's target is a
   * hint for display, and sends must not depend on Postgres.
   */
  Future<Void> replyTarget(String conversationId, String replyToId) {
    if (replyToId == null) {
      return Future.succeededFuture();
    }
    return locator
        .find(replyToId)
        .timeout(REPLY_CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .transform(
            ar -> {
              if (ar.failed()) {
                log.warn(
                    "reply_to_id {} in conversation {} not checked ({}); sending anyway",
                    replyToId,
                    conversationId,
                    ar.cause().toString());
                return Future.succeededFuture();
              }
              if (ar.result() == null || !ar.result().conversationId().equals(conversationId)) {
                return Future.failedFuture(
                    new ApiException(
                        ErrorCode.INVALID_ARGUMENT,
                        "reply_to_id must name a message of this conversation"));
              }
              return Future.succeededFuture();
            });
  }
}
