package dev.parley.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigUnitTests {

  @Test
  void unsetLanesFollowASmallerPoolDown() {
    assertThat(WorkerConfig.fromEnv(new Env(Map.of("PARLEY_PG_POOL_SIZE", "1"))).writeLanes())
        .isEqualTo(1);
    assertThat(WorkerConfig.fromEnv(new Env(Map.of())).writeLanes()).isEqualTo(2);
  }

  @Test
  void aWorkerStoresEveryPartitionUnlessToldWhich() {
    assertThat(WorkerConfig.fromEnv(new Env(Map.of())).partitions()).containsExactly(0);
    assertThat(WorkerConfig.fromEnv(new Env(Map.of("PARLEY_STREAM_PARTITIONS", "3"))).partitions())
        .containsExactly(0, 1, 2);
    assertThat(
            WorkerConfig.fromEnv(
                    new Env(
                        Map.of(
                            "PARLEY_STREAM_PARTITIONS", "4", "PARLEY_WORKER_PARTITIONS", "3, 1")))
                .partitions())
        .containsExactly(1, 3);
  }

  @Test
  void aPartitionOutsideTheCountIsRefusedNamingTheVariable() {
    assertThatThrownBy(
            () ->
                WorkerConfig.fromEnv(
                    new Env(
                        Map.of("PARLEY_STREAM_PARTITIONS", "2", "PARLEY_WORKER_PARTITIONS", "2"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_WORKER_PARTITIONS=2")
        .hasMessageContaining("0..1");
  }

  @Test
  void defaults() {
    WorkerConfig c = WorkerConfig.fromEnv(new Env(Map.of()));

    assertThat(c.batchMax()).isEqualTo(500);
    assertThat(c.writeLanes()).isEqualTo(2);
    assertThat(c.batchWait()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.ackWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxAckPending()).isEqualTo(10_000);
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.httpPort()).isEqualTo(8090);
    assertThat(c.nodeId()).startsWith("worker-").endsWith("-" + ProcessHandle.current().pid());
    assertThat(c.nats().subjectPrefix()).isEqualTo("chat");
    assertThat(c.postgres().database()).isEqualTo("parley");
    assertThat(c.relay().enabled()).isTrue();
    assertThat(c.relay().batchMax()).isEqualTo(256);
    assertThat(c.pgConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void everySettingCanBeOverridden() {
    WorkerConfig c =
        WorkerConfig.fromEnv(
            new Env(
                Map.of(
                    "PARLEY_WORKER_BATCH_MAX", "50",
                    "PARLEY_WORKER_BATCH_WAIT", "25ms",
                    "PARLEY_WORKER_ACK_WAIT", "3s",
                    "PARLEY_WORKER_MAX_ACK_PENDING", "200",
                    "PARLEY_HTTP_HOST", "127.0.0.1",
                    "PARLEY_HTTP_PORT", "0",
                    "PARLEY_NODE_ID", "worker-a",
                    "PARLEY_SUBJECT_PREFIX", "t9",
                    "PARLEY_RELAY_ENABLED", "false",
                    "PARLEY_RELAY_BATCH_MAX", "64")));

    assertThat(c.batchMax()).isEqualTo(50);
    assertThat(WorkerConfig.fromEnv(new Env(Map.of("PARLEY_WORKER_WRITE_LANES", "4"))).writeLanes())
        .isEqualTo(4);
    assertThat(c.batchWait()).isEqualTo(Duration.ofMillis(25));
    assertThat(c.ackWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.maxAckPending()).isEqualTo(200);
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isZero();
    assertThat(c.nodeId()).isEqualTo("worker-a");
    assertThat(c.nats().streamName()).isEqualTo("T9_EVENTS");
    assertThat(c.relay()).isEqualTo(new WorkerConfig.Relay(false, 64));
  }

  @Test
  void theFormerWorkerNamesAreStillReadAndTheCurrentNamesWin() {
    Env env =
        new Env(
            Map.of(
                "PARLEY_WORKER_HTTP_HOST", "127.0.0.1",
                "PARLEY_WORKER_HTTP_PORT", "9090",
                "PARLEY_HTTP_PORT", "0"));
    WorkerConfig c = WorkerConfig.fromEnv(env);

    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isZero();
    assertThat(env.warnings())
        .hasSize(2)
        .anySatisfy(
            w -> assertThat(w).contains("PARLEY_WORKER_HTTP_HOST").contains("set PARLEY_HTTP_HOST"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("PARLEY_WORKER_HTTP_PORT")
                    .contains("PARLEY_HTTP_PORT, which is set too and wins"));
  }

  @Test
  void errorsNameTheVariable() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_WORKER_BATCH_MAX", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_WORKER_BATCH_MAX");
    assertThatThrownBy(
            () -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_WORKER_BATCH_WAIT", "soon"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_WORKER_BATCH_WAIT");
    assertThatThrownBy(
            () -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_WORKER_ACK_WAIT", "100ms"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_WORKER_ACK_WAIT");
    assertThatThrownBy(
            () ->
                WorkerConfig.fromEnv(
                    new Env(
                        Map.of("PARLEY_WORKER_BATCH_WAIT", "5s", "PARLEY_WORKER_ACK_WAIT", "5s"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_WORKER_BATCH_WAIT")
        .hasMessageContaining("PARLEY_WORKER_ACK_WAIT");
    assertThatThrownBy(
            () -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_WORKER_MAX_ACK_PENDING", "10"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_WORKER_MAX_ACK_PENDING");
    assertThatThrownBy(
            () ->
                WorkerConfig.fromEnv(
                    new Env(Map.of("PARLEY_WORKER_WRITE_LANES", "3", "PARLEY_PG_POOL_SIZE", "2"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_WORKER_WRITE_LANES")
        .hasMessageContaining("PARLEY_PG_POOL_SIZE");
    assertThatThrownBy(
            () -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_WORKER_WRITE_LANES", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_WORKER_WRITE_LANES");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_HTTP_PORT", "70000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_HTTP_PORT");
    assertThatThrownBy(
            () -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_PG_CONNECT_TIMEOUT", "0s"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_PG_CONNECT_TIMEOUT");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_RELAY_ENABLED", "maybe"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_RELAY_ENABLED");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(new Env(Map.of("PARLEY_RELAY_BATCH_MAX", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_RELAY_BATCH_MAX");
  }
}
