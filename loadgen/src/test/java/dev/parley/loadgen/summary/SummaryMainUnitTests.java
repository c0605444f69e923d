package dev.parley.loadgen.summary;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryMainUnitTests {
  @TempDir Path bench;
  private Path results;

  @BeforeEach
  void resultsDir() throws Exception {
    results = Files.createDirectories(bench.resolve("results"));
  }

  @Test
  void tablesEveryTargetOfTheNewestResultPerScenarioAndShowsAMissAsMissed() throws Exception {
    write(
        "2025-01-01-fanout.json",
        result("fanout", "2025-01-01T10:00:00Z")
            .put(
                "targets",
                new JsonArray()
                    .add(target("delivery p99 ≤ 5 ms", "delivery_p99_ms", 99.0, "<= 5.0", false))));
    write(
        "2025-01-02-fanout.json",
        result("fanout", "2025-01-02T10:00:00Z")
            .put(
                "figures",
                new JsonObject()
                    .put("delivery_p99_ms", 3.2)
                    .put("cpu_per_delivery_us", 61.25)
                    .put("floor_cpu_per_delivery_us", 33.0)
                    .put("cpu_per_delivery_floor_ratio", 1.856))
            .put(
                "targets",
                new JsonArray()
                    .add(target("delivery p99 ≤ 5 ms", "delivery_p99_ms", 3.2, "<= 5.0", true))
                    .add(
                        target(
                            "server CPU per delivery ≤ 2× the floor",
                            "cpu_per_delivery_floor_ratio",
                            1.856,
                            "<= 2.0",
                            true)))
            .put("notes", new JsonArray().add("warm-up 10 s not measured"))
            .put("detail", new JsonObject().put("profile", profile())));
    write(
        "2025-01-02-idle.json",
        result("idle", "2025-01-02T11:00:00Z")
            .put("figures", new JsonObject().put("rss_per_connection_kib", 6.5))
            .put(
                "targets",
                new JsonArray()
                    .add(
                        target(
                            "≤ 4 KiB per idle connection",
                            "rss_per_connection_kib",
                            6.5,
                            "<= 4.0",
                            false)))
            .put("limited_by_load_generator", new JsonArray().add("load generator CPU at 98%")));
    write(
        "2025-01-01-ramp.json",
        result("ramp", "2025-01-01T12:00:00Z")
            .put("figures", new JsonObject().put("clean_deliveries_per_s", 123456.7)));
    Files.writeString(results.resolve("notes.txt"), "not a result");

    List<Path> written = SummaryMain.write(results, bench.resolve("SUMMARY.md"));

    assertThat(written)
        .containsExactly(results.resolve("2025-01-02-summary.md"), bench.resolve("SUMMARY.md"));
    String md = Files.readString(bench.resolve("SUMMARY.md"));
    assertThat(md)
        .startsWith("# Parley benchmarks: results of 2025-01-02")
        .contains("| cores | 2 |")
        .contains("| NATS | nats-server: v2.10.0 |")
        .contains("2 of 3 targets met.")
        .contains("| fanout | delivery p99 ≤ 5 ms | `delivery_p99_ms` | 3.2 | <= 5.0 | met |")
        .contains(
            "| idle | ≤ 4 KiB per idle connection | `rss_per_connection_kib` | 6.5 | <= 4.0 |"
                + " **missed** |")
        .doesNotContain("| 99 |")
        .contains("| `clean_deliveries_per_s` | 123457 |")
        .contains(
            "Against the floor: `floor_cpu_per_delivery_us` 33, `cpu_per_delivery_floor_ratio` 1.856.")
        .contains("- load generator CPU at 98%")
        .contains("- warm-up 10 s not measured")
        .contains("- Reproduce: `make bench-one SCENARIO=idle ARGS=\"n=10\"`")
        .contains("[2025-01-02-fanout.json](results/2025-01-02-fanout.json)")
        .contains("[2025-01-01-ramp.json](results/2025-01-01-ramp.json)")
        .contains("[the benchmarks' README](README.md)");
    // scenarios in the targets table's order, whatever the order of the files
    assertThat(md.indexOf("## fanout")).isLessThan(md.indexOf("## ramp"));
    assertThat(md.indexOf("## ramp")).isLessThan(md.indexOf("## idle"));

    assertThat(md)
        .contains("#### gateway-1 (pid 42, 60 s, 6000 Java samples, 41.5% with a Parley frame)")
        .contains("| 1 | `i.n.c.n.NioEventLoop.run` | 12.5 | `d.p.g.w.Fanout.deliver` | 20 |")
        .contains("CPU by thread group: `vert.x event loops` 30.1 s (61%)")
        .contains("GC: 7 collections, 85 ms of pauses, longest 20 ms.")
        .contains("#### worker (pid 43)\n\nNot profiled: jcmd refused.");

    String dated = Files.readString(results.resolve("2025-01-02-summary.md"));
    assertThat(dated)
        .contains("[2025-01-02-fanout.json](2025-01-02-fanout.json)")
        .contains("[the benchmarks' README](../README.md)");
  }

  @Test
  void writesNothingWithoutResults() throws Exception {
    Files.writeString(results.resolve("2025-01-02-summary.md"), "# old");

    assertThat(SummaryMain.write(results, bench.resolve("SUMMARY.md"))).isEmpty();
    assertThat(bench.resolve("SUMMARY.md")).doesNotExist();
  }

  private void write(String name, JsonObject json) throws Exception {
    Files.writeString(results.resolve(name), json.encodePrettily());
  }

  private static JsonObject result(String scenario, String started) {
    return new JsonObject()
        .put("scenario", scenario)
        .put("params", new JsonObject().put("n", "10"))
        .put("started", started)
        .put("seconds", 61.04)
        .put("reproduce", "make bench-one SCENARIO=" + scenario + " ARGS=\"n=10\"")
        .put(
            "machine",
            new JsonObject()
                .put("cores", 2)
                .put("memory_gib", 7.8)
                .put("cpu", "Some CPU @ 2.1GHz")
                .put("kernel", "6.1.0")
                .put("jdk", "OpenJDK 64-Bit Server VM 17.0.15")
                .put("nats_server", "nats-server: v2.10.0")
                .put("postgres", "psql (PostgreSQL) 15.8")
                .put("redis", "Redis server v=7.0.15"))
        .put("figures", new JsonObject())
        .put("targets", new JsonArray())
        .put("limited_by_load_generator", new JsonArray())
        .put("notes", new JsonArray())
        .put("detail", new JsonObject());
  }

  private static JsonObject target(
      String what, String figure, double value, String limit, boolean met) {
    return new JsonObject()
        .put("what", what)
        .put("figure", figure)
        .put("value", value)
        .put("limit", limit)
        .put("met", met);
  }

  private static JsonObject profile() {
    JsonObject gateway =
        new JsonObject()
            .put("pid", 42)
            .put("seconds", 60.0)
            .put("execution_samples", 6000)
            .put(
                "hot_methods",
                new JsonArray()
                    .add(row("frame", "io.netty.channel.nio.NioEventLoop.run", 750, 12.5)))
            .put(
                "parley_frames",
                new JsonArray()
                    .add(row("frame", "dev.parley.gateway.ws.Fanout.deliver", 1200, 20.0))
                    .add(row("frame", "dev.parley.gateway.ids.MessageIds.next", 420, 7.0)))
            .put("samples_in_parley_code_percent", 41.5)
            .put(
                "cpu_seconds_by_thread_group",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("group", "vert.x event loops")
                            .put("cpu_seconds", 30.1)
                            .put("percent", 61.0)))
            .put(
                "gc",
                new JsonObject()
                    .put("collections", 7)
                    .put("pause_total_ms", 85.0)
                    .put("pause_max_ms", 20.0))
            .put("allocation_top", new JsonArray().add(row("class", "byte[]", 1 << 20, 40.0)));
    return new JsonObject()
        .put("gateway-1", gateway)
        .put("worker", new JsonObject().put("pid", 43).put("error", "jcmd refused"));
  }

  private static JsonObject row(String key, String name, long amount, double percent) {
    return new JsonObject().put(key, name).put("samples", amount).put("percent", percent);
  }
}
