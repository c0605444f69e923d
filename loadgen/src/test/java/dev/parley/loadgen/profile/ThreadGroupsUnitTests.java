package dev.parley.loadgen.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadGroupsUnitTests {
  @Test
  void groupsJavaNamesAndTheirFifteenCharacterProcCut() {
    assertThat(ThreadGroups.of("vert.x-eventloop-thread-3")).isEqualTo(ThreadGroups.EVENT_LOOPS);
    assertThat(ThreadGroups.of("vert.x-eventloo")).isEqualTo(ThreadGroups.EVENT_LOOPS);
    assertThat(ThreadGroups.of("vert.x-worker-thread-1")).isEqualTo(ThreadGroups.WORKERS);
    assertThat(ThreadGroups.of("nats:12")).isEqualTo(ThreadGroups.NATS);
    assertThat(ThreadGroups.of("GC Thread#1")).isEqualTo(ThreadGroups.GC);
    assertThat(ThreadGroups.of("G1 Conc#0")).isEqualTo(ThreadGroups.GC);
    assertThat(ThreadGroups.of("C2 CompilerThread0")).isEqualTo(ThreadGroups.JIT);
    assertThat(ThreadGroups.of("C1 CompilerThre")).isEqualTo(ThreadGroups.JIT);
    assertThat(ThreadGroups.of("JFR Recorder Thread")).isEqualTo(ThreadGroups.JFR);
    assertThat(ThreadGroups.of("VM Thread")).isEqualTo(ThreadGroups.VM);
    assertThat(ThreadGroups.of("parley-relay")).isEqualTo("parley-relay");
    assertThat(ThreadGroups.of("main")).isEqualTo(ThreadGroups.OTHER);
    assertThat(ThreadGroups.of(null)).isEqualTo(ThreadGroups.OTHER);
  }
}
