package dev.parley.contract.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which differences between a stream as found and as configured make a start update it. */
class StreamDriftUnitTests {

  private static StreamConfiguration.Builder stream() {
    return StreamConfiguration.builder()
        .name("P_EVENTS")
        .subjects("p.stream.conv.*.*")
        .storageType(StorageType.File)
        .replicas(1)
        .duplicateWindow(Duration.ofMinutes(2))
        .maxAge(Duration.ofDays(7));
  }

  @Test
  void aStreamAsConfiguredNeedsNoUpdate() {
    assertThat(StreamLayout.drift(stream().build(), stream().build())).isEmpty();
  }

  @Test
  void moreReplicasOnAGrownClusterAreAnUpdate() {
    assertThat(StreamLayout.drift(stream().build(), stream().replicas(3).build()))
        .containsExactly("replicas 1 -> 3");
  }

  @Test
  void eachDriftedSettingIsNamed() {
    StreamConfiguration wanted =
        stream()
            .subjects("q.stream.conv.*.*")
            .duplicateWindow(Duration.ofMinutes(5))
            .maxAge(Duration.ofDays(1))
            .build();
    assertThat(StreamLayout.drift(stream().build(), wanted))
        .containsExactly(
            "subjects [p.stream.conv.*.*] -> [q.stream.conv.*.*]",
            "duplicate window PT2M -> PT5M",
            "max age PT168H -> PT24H");
  }
}
