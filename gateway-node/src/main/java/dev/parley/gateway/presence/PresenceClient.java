package dev.parley.gateway.presence;

import dev.parley.contract.Subjects;
import dev.parley.contract.presence.PresenceRpc;
import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import dev.parley.gateway.failure.ApiException;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the presence nodes (NATS request-reply, one of them answers): Redis stays theirs alone. No
 * presence node answering in time, or one answering that its Redis is down, fails with
 * {@code unavailable}; messaging does not depend on any of this.
 */
public final class PresenceClient {
  private final Vertx vertx;
  private final Connection nats;
  private final Subjects subjects;
  private final Duration timeout;

  public PresenceClient(Vertx vertx, Connection nats, Subjects subjects, Duration timeout) {
    this.vertx = vertx;
    this.nats = nats;
    this.subjects = subjects;
    this.timeout = timeout;
  }

  /** Sets the user's status; the state after it (and whether that was a change, then announced). */
  public Future<PresenceRpc.StatusResult> setStatus(String userId, PresenceStatus status) {
    return request(
            subjects.presenceStatusUpdates(),
            new PresenceRpc.StatusUpdate(userId, status).toBytes())
        .map(PresenceRpc.StatusResult::fromJson);
  }

  /** The online users among {@code userIds}, asked in chunks the presence nodes accept. */
  public Future<List<PresenceState>> online(List<String> userIds) {
    List<Future<List<PresenceState>>> parts = new ArrayList<>();
    for (int from = 0; from < userIds.size(); from += PresenceRpc.MAX_QUERY_IDS) {
      List<String> chunk =
          userIds.subList(from, Math.min(userIds.size(), from + PresenceRpc.MAX_QUERY_IDS));
      parts.add(
          request(subjects.presenceQueries(), new PresenceRpc.Query(chunk).toBytes())
              .map(reply -> PresenceRpc.QueryResult.fromJson(reply).online()));
    }
    return Future.all(parts)
        .map(
            all -> {
              List<PresenceState> out = new ArrayList<>();
              parts.forEach(p -> out.addAll(p.result()));
              return out;
            });
  }

  /** Readiness: a presence node answers a query (for an id no user has), so presence works end to end. */
  public Future<Void> probe() {
    return request(
            subjects.presenceQueries(),
            new PresenceRpc.Query(List.of("parley.readiness-probe")).toBytes())
        .mapEmpty();
  }

  private Future<JsonObject> request(String subject, byte[] body) {
    Future<Message> answered;
    try {
      answered =
          Future.fromCompletionStage(
              nats.requestWithTimeout(subject, body, timeout), vertx.getOrCreateContext());
    } catch (RuntimeException e) {
      answered = Future.failedFuture(e);
    }
    return answered
        .recover(
            e ->
                Future.failedFuture(
                    ApiException.unavailable("presence is unavailable; retry shortly", e)))
        .compose(
            msg -> {
              JsonObject reply;
              try {
                reply = PresenceRpc.reply(msg.getData());
              } catch (IllegalArgumentException e) {
                return Future.failedFuture(
                    ApiException.unavailable("presence answered unreadably", e));
              }
              PresenceRpc.Failure failure = PresenceRpc.Failure.of(reply);
              return failure == null
                  ? Future.succeededFuture(reply)
                  : Future.failedFuture(
                      new ApiException(
                          failure.code(), failure.message(), failure.retryAfterMillis(), null));
            });
  }
}
