package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The presence node and the persistence worker, each in its own JVM, stop on SIGTERM as an
 * orchestrator asks: they close what they hold and exit 0, not with the JVM's 143 for a signal
 * (which supervisors and `make down` would report as a failure). The gateway's own stop, a drain,
 * is {@link GatewayDrainIntegrationTests}.
 */
@ExtendWith(ParleyExtension.class)
class NodeStopIntegrationTests {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(30);

  private final TestEnvironment env;

  NodeStopIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @Test
  void presenceNodeExitsZeroOnSigterm() throws Exception {
    stopsCleanly(
        "dev.parley.presence.PresenceMain", "presence-stop", "presence node presence-stop started");
  }

  @Test
  void workerExitsZeroOnSigterm() throws Exception {
    stopsCleanly(
        "dev.parley.worker.WorkerMain", "worker-stop", "Persistence worker worker-stop consuming");
  }

  private void stopsCleanly(String mainClass, String nodeId, String startedLine) throws Exception {
    try (Cluster cluster = Cluster.start(env, Map.of(), 0, false);
        ProcessNode node =
            ProcessNode.start(
                mainClass,
                cluster.envMapFor(nodeId, Map.of("PARLEY_PRESENCE_NODE_ID", nodeId)),
                nodeId)) {
      Await.until(
          () -> node.log().contains(startedLine) ? true : null,
          System.nanoTime() + START.toNanos(),
          () -> mainClass + " never said it started: " + node.logTail());

      node.terminate();

      assertThat(node.awaitExit(STOP)).as("exit status; log: %s", node.logTail()).isZero();
    }
  }
}
