package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Writes one result as {@code <dir>/<date>-<scenario>.json}: the scenario, the parameters it used,
 * the machine, when and how long, how to reproduce it, and what it measured.
 */
final class ResultFiles {
  private final Path dir;

  ResultFiles(Path dir) {
    this.dir = dir;
  }

  Path write(
      String scenario,
      Map<String, String> params,
      Instant started,
      Instant ended,
      ScenarioResult result)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder reproduce = new StringBuilder("make bench-one SCENARIO=").append(scenario);
    if (!params.isEmpty()) {
      reproduce.append(" ARGS=\"");
      params.forEach((k, v) -> reproduce.append(k).append('=').append(v).append(' '));
      reproduce.setLength(reproduce.length() - 1);
      reproduce.append('"');
    }
    JsonObject json =
        new JsonObject()
            .put("scenario", scenario)
            .put("params", new JsonObject(Map.copyOf(params)))
            .put("started", started.toString())
            .put("seconds", (ended.toEpochMilli() - started.toEpochMilli()) / 1000.0)
            .put("reproduce", reproduce.toString())
            .put("machine", Machine.describe())
            .mergeIn(result.toJson());
    Path file =
        dir.resolve(LocalDate.ofInstant(started, ZoneOffset.UTC) + "-" + scenario + ".json");
    Files.writeString(file, json.encodePrettily() + "\n");
    return file;
  }
}
