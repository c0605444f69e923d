package dev.parley.system;

import dev.parley.testing.Await;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain NATS subscriber on a stream subject: what the gateway wrote to the stream, headers and all. */
final class StreamTap implements AutoCloseable {
  private final Connection nc;
  private final Dispatcher dispatcher;
  private final List<Message> received = new CopyOnWriteArrayList<>();

  StreamTap(Connection nc, String subject) {
    this.nc = nc;
    this.dispatcher = nc.createDispatcher(received::add);
    dispatcher.subscribe(subject);
    try {
      nc.flush(Duration.ofSeconds(5)); // the SUB is at the server before the test acts
    } catch (Exception e) {
      throw new IllegalStateException("NATS flush failed", e);
    }
  }

  /** The first entry whose body contains {@code text}. */
  Message await(String text, Duration timeout) {
    return Await.until(
        () ->
            received.stream()
                .filter(m -> new String(m.getData()).contains(text))
                .findFirst()
                .orElse(null),
        System.nanoTime() + timeout.toNanos(),
        () -> "no stream entry containing " + text + " among " + received.size());
  }

  /** The entry's header {@code name}, or null. */
  static String header(Message m, String name) {
    return m.getHeaders() == null ? null : m.getHeaders().getFirst(name);
  }

  @Override
  public void close() {
    nc.closeDispatcher(dispatcher);
  }
}
