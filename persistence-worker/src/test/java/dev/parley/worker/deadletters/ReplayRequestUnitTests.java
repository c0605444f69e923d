package dev.parley.worker.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.worker.deadletters.ReplayRequest.Named;
import org.junit.jupiter.api.Test;

class ReplayRequestUnitTests {

  @Test
  void sequencesBelongToTheStreamNamedBeforeThem() {
    ReplayRequest r =
        ReplayRequest.parse(
            new String[] {"12", "--stream", "P_P1_OF_2", "13", "14", "--stream=P_P0_OF_2", "15"});
    assertThat(r.allPending()).isFalse();
    assertThat(r.named())
        .containsExactly(
            new Named(null, 12),
            new Named("P_P1_OF_2", 13),
            new Named("P_P1_OF_2", 14),
            new Named("P_P0_OF_2", 15));
    assertThat(r.named().get(0)).hasToString("12");
    assertThat(r.named().get(1)).hasToString("P_P1_OF_2/13");
  }

  @Test
  void allPendingStandsAlone() {
    assertThat(ReplayRequest.parse(new String[] {"--all-pending"}).allPending()).isTrue();
    assertThatThrownBy(() -> ReplayRequest.parse(new String[] {"--all-pending", "12"}))
        .hasMessage("--all-pending takes no stream or sequence");
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertThatThrownBy(() -> ReplayRequest.parse(new String[] {}))
        .hasMessage("name the dead letters to replay, or --all-pending");
    assertThatThrownBy(() -> ReplayRequest.parse(new String[] {"twelve"}))
        .hasMessage("not a stream_seq: 'twelve'");
    assertThatThrownBy(() -> ReplayRequest.parse(new String[] {"--stream"}))
        .hasMessage("--stream needs a stream name");
    assertThatThrownBy(() -> ReplayRequest.parse(new String[] {"--stream", "--all-pending"}))
        .hasMessage("--stream needs a stream name");
  }
}
