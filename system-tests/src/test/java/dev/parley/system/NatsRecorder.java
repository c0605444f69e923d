package dev.parley.system;

import dev.parley.contract.stream.StreamHeaders;
import dev.parley.testing.Await;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** An integrator: a plain NATS subscriber that records what arrives, for tests to await and inspect. */
final class NatsRecorder implements AutoCloseable {
  /**
   * One NATS message: its subject, {@code Parley-Seq} header (or -1), raw text, parsed JSON and
   * headers (null when it has none).
   */
  record Received(String subject, long parleySeq, String text, JsonObject json, Headers headers) {
    /** Header {@code name}'s first value, or null. */
    String header(String name) {
      return headers == null ? null : headers.getFirst(name);
    }

    String type() {
      return json.getString("type");
    }

    JsonObject data() {
      return json.getJsonObject("data");
    }
  }

  private final Connection nc;
  private final Dispatcher dispatcher;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  NatsRecorder(Connection nc, String subject) {
    this.nc = nc;
    this.dispatcher = nc.createDispatcher(this::record);
    dispatcher.subscribe(subject);
    try {
      nc.flush(Duration.ofSeconds(5)); // the SUB is at the server before the test acts
    } catch (Exception e) {
      throw new IllegalStateException("NATS flush failed", e);
    }
  }

  private void record(Message m) {
    String seq =
        m.getHeaders() == null ? null : m.getHeaders().getFirst(StreamHeaders.RELAY_SEQUENCE);
    String text = new String(m.getData(), StandardCharsets.UTF_8);
    received.add(
        new Received(
            m.getSubject(),
            seq == null ? -1 : Long.parseLong(seq),
            text,
            new JsonObject(text),
            m.getHeaders()));
  }

  List<Received> all() {
    return new ArrayList<>(received);
  }

  List<Received> matching(Predicate<Received> match) {
    return received.stream().filter(match).toList();
  }

  /** Waits until at least {@code count} received messages match; returns them in arrival order. */
  List<Received> await(Predicate<Received> match, int count, Duration timeout) {
    return Await.until(
        () -> {
          List<Received> hits = matching(match);
          return hits.size() >= count ? hits : null;
        },
        System.nanoTime() + timeout.toNanos(),
        () ->
            "expected "
                + count
                + " matching NATS messages, have "
                + matching(match).size()
                + " of "
                + received.size());
  }

  /** Waits for the first received message whose text contains {@code text}. */
  Received awaitContaining(String text, Duration timeout) {
    return await(r -> r.text().contains(text), 1, timeout).get(0);
  }

  @Override
  public void close() {
    nc.closeDispatcher(dispatcher);
  }
}
