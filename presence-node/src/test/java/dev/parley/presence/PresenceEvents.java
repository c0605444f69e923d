package dev.parley.presence;

import dev.parley.contract.presence.PresenceState;
import dev.parley.contract.presence.PresenceStatus;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/** Records every presence.changed a deployment publishes, as an integrator subscribed to its subjects would. */
final class PresenceEvents implements AutoCloseable {
  /** One event and when it arrived here. */
  record Received(PresenceState state, Instant at) {}

  private final Connection nats;
  private final Dispatcher dispatcher;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  PresenceEvents(Connection nats, String subject) {
    this.nats = nats;
    this.dispatcher =
        nats.createDispatcher(
            msg ->
                received.add(
                    new Received(PresenceState.fromChangedEvent(msg.getData()), Instant.now())));
    dispatcher.subscribe(subject);
    try {
      nats.flush(Duration.ofSeconds(5));
    } catch (Exception e) {
      throw new AssertionError("nats flush failed: " + e, e);
    }
  }

  List<Received> of(String userId) {
    return received.stream().filter(r -> r.state().userId().equals(userId)).toList();
  }

  List<Received> of(String userId, PresenceStatus status) {
    return of(userId).stream().filter(r -> r.state().status() == status).toList();
  }

  /** Waits until the user has {@code count} events of that status; returns them. */
  List<Received> await(String userId, PresenceStatus status, int count, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      List<Received> hits = of(userId, status);
      if (hits.size() >= count) {
        return hits;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + count + " " + status + " events of " + userId + ", got " + of(userId));
      }
      LockSupport.parkNanos(10_000_000L);
    }
  }

  Received awaitOne(String userId, PresenceStatus status, Duration within) {
    return await(userId, status, 1, within).get(0);
  }

  @Override
  public void close() {
    nats.closeDispatcher(dispatcher);
  }
}
