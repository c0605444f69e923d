package dev.parley.gateway.messages;

import dev.parley.contract.Subjects;
import dev.parley.contract.tracing.Tracing;
import dev.parley.contract.wire.ChatMessage;
import dev.parley.contract.wire.Ids;
import dev.parley.gateway.auth.AuthenticatedUser;
import dev.parley.gateway.concurrent.OnContext;
import dev.parley.gateway.conversations.MembershipCache;
import dev.parley.gateway.fanout.FanoutHub;
import dev.parley.gateway.limits.LimitedAction;
import dev.parley.gateway.limits.RateLimiter;
import dev.parley.gateway.stream.StreamClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path: validate, check membership (cached), write to the stream with a de-duplication
 * id, and answer only once the stream has stored it, with the stored message (seq and prev_seq
 * from the stream's republished copy). Postgres is not on this path: sends are acknowledged while
 * it is down, and the worker stores them when it returns. Two extras read it: attached files are
 * checked against the {@code files} table (no check, no send: 503 while it is down), and a
 * {@code reply_to_id} is checked when the check can finish (see {@link SendReferences}). The
 * user's rate limit ({@link RateLimiter}, shared by every node) comes first.
 */
public final class SendService {
  private static final Logger log = LoggerFactory.getLogger(SendService.class);

  /** A slow or unreachable database must not hold sends up: the stream's window still de-duplicates. */
  private static final long DB_LOOKUP_TIMEOUT_MS = 1000;

  private final MembershipCache membership;
  private final StreamClient stream;
  private final FanoutHub hub;
  private final HistoryReader history;
  private final SendReferences references;
  private final ResendLookups resends;
  private final RateLimiter limiter;
  private final Subjects subjects;
  private final Duration sendFanoutWait;
  private final Timer latency;
  private final Counter duplicates;
  private final Counter failures;
  private final Counter rateLimited;
  private final Tracing tracing;

  public SendService(
      MembershipCache membership,
      StreamClient stream,
      FanoutHub hub,
      HistoryReader history,
      Pool pool,
      MessageLocator locator,
      RateLimiter limiter,
      Subjects subjects,
      Duration sendFanoutWait,
      MeterRegistry registry,
      Tracing tracing) {
    this.tracing = tracing;
    this.membership = membership;
    this.stream = stream;
    this.hub = hub;
    this.history = history;
    this.references = new SendReferences(pool, locator);
    this.resends = new ResendLookups(pool);
    this.limiter = limiter;
    this.subjects = subjects;
    this.sendFanoutWait = sendFanoutWait;
    this.latency =
        Timer.builder("parley_send_latency")
            .description("from request to durable ack")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.duplicates =
        Counter.builder("parley_send_duplicates_total")
            .description("resends answered with the original")
            .register(registry);
    this.failures =
        Counter.builder("parley_send_failures_total")
            .description("sends that failed")
            .register(registry);
    this.rateLimited =
        Counter.builder("parley_send_rate_limited_total")
            .description("sends refused by the per-user rate limit")
            .register(registry);
  }

  /** The stored message, and whether this call stored it (false: a resend of an earlier one). */
  public record Sent(ChatMessage message, boolean created) {}

  public Future<Sent> send(AuthenticatedUser sender, SendRequest req) {
    long started = System.nanoTime();
    Context ctx = Vertx.currentContext();
    // the span of the request or frame, taken now: the publish below runs in a later callback
    io.opentelemetry.context.Context trace =
        tracing.enabled() ? io.opentelemetry.context.Context.current() : null;
    return limiter
        .acquire(LimitedAction.SEND, sender.userId())
        .onFailure(e -> rateLimited.increment())
        .compose(go -> admitted(ctx, trace, started, sender, req));
  }

  private Future<Sent> admitted(
      Context ctx,
      io.opentelemetry.context.Context trace,
      long started,
      AuthenticatedUser sender,
      SendRequest req) {
    Future<?> member = membership.requireMember(req.conversationId(), sender.userId());
    Future<ChatMessage> earlier =
        req.clientMsgId() == null
            ? Future.succeededFuture(null)
            // Beyond the stream's duplicate window the database remembers; if it is down, the
            // window still guards.
            : resends
                .original(req.conversationId(), sender.userId(), req.clientMsgId())
                .timeout(DB_LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .otherwise((ChatMessage) null);
    return Future.all(member, earlier)
        .compose(
            v ->
                earlier.result() != null
                    ? Future.succeededFuture(new Sent(earlier.result(), false))
                    : checked(sender, req)
                        .compose(files -> publish(ctx, trace, sender, req, files)))
        .onSuccess(
            sent -> {
              latency.record(Duration.ofNanos(System.nanoTime() - started));
              if (!sent.created()) {
                duplicates.increment();
              }
            })
        // counted here, logged once by the edge that answers it (REST, WebSocket or NATS)
        .onFailure(e -> failures.increment());
  }

  private static <T> Future<T> backOn(Context ctx, Future<T> result) {
    return ctx == null ? result : OnContext.backOn(ctx, result);
  }

  /** The reply target and files, checked (after membership: a non-member learns nothing); the files as the message shows them. */
  private Future<JsonArray> checked(AuthenticatedUser sender, SendRequest req) {
    Future<Void> reply = references.replyTarget(req.conversationId(), req.replyToId());
    Future<JsonArray> files = references.files(sender.userId(), req.attachmentIds());
    return Future.all(reply, files).map(v -> files.result());
  }

  private Future<Sent> publish(
      Context ctx,
      io.opentelemetry.context.Context trace,
      AuthenticatedUser sender,
      SendRequest req,
      JsonArray files) {
    ChatMessage draft =
        new ChatMessage(
            Ids.newId(),
            req.conversationId(),
            0,
            null,
            sender.userId(),
            req.type(),
            req.content(),
            req.replyToId(),
            files,
            new JsonArray(),
            req.clientMsgId(),
            Instant.now(),
            null,
            false,
            null);
    String dedupId =
        req.clientMsgId() == null
            ? null
            : Ids.dedupId(req.conversationId(), sender.userId(), req.clientMsgId());
    String conversationId = req.conversationId();
    // the hub answers on its own event loop, which delivers every conversation of this node: the
    // send's own work (the publish, the ack's JSON) goes back to the sender's context
    return backOn(ctx, hub.acquire(conversationId))
        .compose(
            v ->
                stream.publish(
                    ctx,
                    trace,
                    subjects.streamMessages(conversationId),
                    dedupId,
                    draft.toDraftJson()))
        .compose(
            published -> {
              if (published.duplicate()) {
                return history
                    .at(conversationId, published.seq())
                    .map(original -> new Sent(original, false));
              }
              return backOn(ctx, hub.awaitStored(conversationId, published.seq(), sendFanoutWait))
                  .recover(
                      e -> {
                        // The republished copy is at-most-once; the stream itself still has the
                        // entry.
                        log.warn(
                            "stored copy of seq {} in conversation {} not seen in {}; reading it back",
                            published.seq(),
                            conversationId,
                            sendFanoutWait);
                        return history.at(conversationId, published.seq());
                      })
                  .map(stored -> new Sent(stored, true));
            })
        .eventually(
            () -> {
              hub.release(conversationId);
              return Future.succeededFuture();
            });
  }
}
