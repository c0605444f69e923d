package dev.parley.loadgen.summary;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** One {@code <date>-<scenario>.json} the load generator wrote, read back. */
record ResultFile(String date, String scenario, Path path, JsonObject json) {
  private static final Pattern NAME =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2})-([A-Za-z0-9_-]+)\\.json");

  /** The order of the targets table (bench/README.md); scenarios not in it follow, by name. */
  private static final List<String> ORDER =
      List.of("fanout", "ramp", "idle", "persist", "query", "biggroup");

  /**
   * The newest result of every scenario in {@code dir}: a scenario not re-run today still shows
   * with its own date.
   */
  static List<ResultFile> newestPerScenario(Path dir) throws IOException {
    Map<String, Path> newest = new HashMap<>();
    Map<String, String> dates = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        String date = m.group(1);
        String scenario = m.group(2);
        if (date.compareTo(dates.getOrDefault(scenario, "")) > 0) {
          dates.put(scenario, date);
          newest.put(scenario, f);
        }
      }
    }
    List<ResultFile> out = new ArrayList<>();
    for (Map.Entry<String, Path> e : newest.entrySet()) {
      JsonObject json;
      try {
        json = new JsonObject(Files.readString(e.getValue()));
      } catch (RuntimeException notJson) {
        throw new IOException(e.getValue() + " is not a result: " + notJson.getMessage(), notJson);
      }
      out.add(new ResultFile(dates.get(e.getKey()), e.getKey(), e.getValue(), json));
    }
    out.sort(Comparator.comparing(ResultFile::rank).thenComparing(ResultFile::scenario));
    return out;
  }

  private int rank() {
    int i = ORDER.indexOf(scenario);
    return i < 0 ? ORDER.size() : i;
  }
}
