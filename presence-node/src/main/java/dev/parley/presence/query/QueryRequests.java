package dev.parley.presence.query;

import dev.parley.contract.presence.PresenceRpc;
import dev.parley.presence.outbound.PresenceMetrics;
import dev.parley.presence.outbound.Replier;
import io.nats.client.Message;

/**
 * Answers {@code Subjects.presenceQueries()}: which of these users are online. The gateway decides
 * whom a caller may ask about (users sharing a conversation, from Postgres); this only reads Redis.
 */
public final class QueryRequests {
  private final PresenceQuery query;
  private final Replier replier;
  private final PresenceMetrics metrics;

  public QueryRequests(PresenceQuery query, Replier replier, PresenceMetrics metrics) {
    this.query = query;
    this.replier = replier;
    this.metrics = metrics;
  }

  public void onRequest(Message request) {
    PresenceRpc.Query q;
    try {
      q = PresenceRpc.Query.fromBytes(request.getData());
    } catch (IllegalArgumentException e) {
      metrics.query("invalid");
      replier.invalid(request, e.getMessage());
      return;
    }
    query
        .online(q.userIds())
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                metrics.query("ok");
                replier.reply(request, new PresenceRpc.QueryResult(ar.result()).toBytes());
              } else {
                metrics.query("failed");
                replier.fail(request, "presence query", ar.cause());
              }
            });
  }
}
