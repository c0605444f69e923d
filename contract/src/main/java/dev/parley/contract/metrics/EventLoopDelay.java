package dev.parley.contract.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * How long a task waits before an event loop runs it: every {@link #PROBE_INTERVAL} a no-op task
 * goes to each event loop and the wait is recorded. A loop that something blocks (a slow handler,
 * a blocking call) shows here long before clients time out; Vert.x's own blocked-thread warning
 * only logs. Also the tasks queued on the event loops, summed.
 */
final class EventLoopDelay {
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

  private EventLoopDelay() {}

  static void start(Vertx vertx, MeterRegistry registry) {
    EventLoopGroup loops = ((VertxInternal) vertx).nettyEventLoopGroup();
    Timer delay =
        Timer.builder("parley_event_loop_delay")
            .description(
                "Wait of a probe task before an event loop ran it (sampled every second on each loop)")
            .register(registry);
    Gauge.builder("parley_event_loop_pending_tasks", loops, EventLoopDelay::pendingTasks)
        .description("Tasks queued on the event loops, summed over them")
        .register(registry);
    // a timer on Vert.x's own clock: it ends when the instance closes
    vertx.setPeriodic(
        PROBE_INTERVAL.toMillis(),
        t -> {
          for (EventExecutor loop : loops) {
            long queued = System.nanoTime();
            try {
              loop.execute(() -> delay.record(Duration.ofNanos(System.nanoTime() - queued)));
            } catch (RejectedExecutionException e) {
              return; // Vert.x is closing: its loops take no more tasks, and the timer ends with it
            }
          }
        });
  }

  private static double pendingTasks(EventLoopGroup loops) {
    long pending = 0;
    for (EventExecutor loop : loops) {
      if (loop instanceof SingleThreadEventExecutor single) {
        pending += single.pendingTasks();
      }
    }
    return pending;
  }
}
