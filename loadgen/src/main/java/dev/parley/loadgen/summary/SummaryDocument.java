package dev.parley.loadgen.summary;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Markdown summary of a set of results: the machine, one table of every target with met or
 * missed, then per scenario its figures, what the floor measured in the same run says, the notes,
 * whether the load generator was the limit, how to reproduce it, and the profile's top costs.
 */
final class SummaryDocument {
  /** What identifies a machine: results measured on different ones are flagged. */
  private static final List<String> MACHINE_IDENTITY = List.of("cores", "memory_gib", "cpu");

  private SummaryDocument() {}

  /** The document, its links to the result files relative to {@code writtenIn}. */
  static String render(List<ResultFile> results, Path writtenIn) {
    StringBuilder out = new StringBuilder();
    String newest = results.stream().map(ResultFile::date).max(String::compareTo).orElse("");
    out.append("# Parley benchmarks: results of ").append(newest).append("\n\n");
    out.append(
            "Written by `SummaryMain` from the newest result of each scenario; each figure sits"
                + " beside a floor measured in the same run, because on a shared machine absolute"
                + " figures move between runs. How to read and reproduce them: see"
                + " [the benchmarks' README](")
        .append(readmeLink(results, writtenIn))
        .append(").\n\n");
    JsonObject machine = newestMachine(results);
    machine(out, machine);
    targets(out, results);
    for (ResultFile r : results) {
      scenario(out, r, machine, writtenIn);
    }
    return out.toString();
  }

  private static void machine(StringBuilder out, JsonObject m) {
    out.append("## Machine\n\n");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("cores", Markdown.value(m.getValue("cores"))));
    rows.add(List.of("memory", Markdown.value(m.getValue("memory_gib")) + " GiB"));
    rows.add(List.of("CPU", Markdown.value(m.getValue("cpu"))));
    rows.add(List.of("kernel", Markdown.value(m.getValue("kernel"))));
    rows.add(List.of("JDK", Markdown.value(m.getValue("jdk"))));
    rows.add(List.of("NATS", Markdown.value(m.getValue("nats_server"))));
    rows.add(List.of("PostgreSQL", Markdown.value(m.getValue("postgres"))));
    rows.add(List.of("Redis", Markdown.value(m.getValue("redis"))));
    out.append(Markdown.table(List.of("machine", ""), rows)).append('\n');
  }

  private static void targets(StringBuilder out, List<ResultFile> results) {
    out.append("## Targets\n\n");
    List<List<String>> rows = new ArrayList<>();
    int missed = 0;
    for (ResultFile r : results) {
      for (Object o : r.json().getJsonArray("targets", new JsonArray())) {
        JsonObject t = (JsonObject) o;
        boolean met = Boolean.TRUE.equals(t.getBoolean("met"));
        missed += met ? 0 : 1;
        rows.add(
            List.of(
                r.scenario(),
                Markdown.value(t.getValue("what")),
                "`" + Markdown.value(t.getValue("figure")) + "`",
                Markdown.value(t.getValue("value")),
                Markdown.value(t.getValue("limit")),
                met ? "met" : "**missed**"));
      }
    }
    if (rows.isEmpty()) {
      out.append("No result states a target.\n\n");
      return;
    }
    out.append(rows.size() - missed)
        .append(" of ")
        .append(rows.size())
        .append(" targets met.\n\n")
        .append(
            Markdown.table(
                List.of("scenario", "target", "figure", "value", "limit", "result"), rows))
        .append('\n');
  }

  private static void scenario(
      StringBuilder out, ResultFile r, JsonObject headlineMachine, Path writtenIn) {
    JsonObject json = r.json();
    out.append("## ").append(r.scenario()).append("\n\n");
    out.append("- Result: [")
        .append(r.path().getFileName())
        .append("](")
        .append(link(writtenIn, r.path()))
        .append("), started ")
        .append(json.getString("started", r.date()))
        .append(", ran ")
        .append(Markdown.value(json.getValue("seconds")))
        .append(" s\n");
    out.append("- Reproduce: `")
        .append(json.getString("reproduce", "make bench-one SCENARIO=" + r.scenario()))
        .append("`\n");
    JsonObject machine = json.getJsonObject("machine", new JsonObject());
    for (String key : MACHINE_IDENTITY) {
      if (!String.valueOf(machine.getValue(key))
          .equals(String.valueOf(headlineMachine.getValue(key)))) {
        out.append("- Measured on another machine: ")
            .append(machine.getValue("cores"))
            .append(" cores, ")
            .append(machine.getValue("memory_gib"))
            .append(" GiB, ")
            .append(machine.getValue("cpu"))
            .append('\n');
        break;
      }
    }
    out.append('\n');

    JsonObject figures = json.getJsonObject("figures", new JsonObject());
    List<String> floor = new ArrayList<>();
    for (Map.Entry<String, Object> f : figures) {
      if (f.getKey().contains("floor") || f.getKey().endsWith("_ratio")) {
        floor.add("`" + f.getKey() + "` " + Markdown.value(f.getValue()));
      }
    }
    if (!floor.isEmpty()) {
      out.append("Against the floor: ").append(String.join(", ", floor)).append(".\n\n");
    }
    if (!figures.isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      figures.forEach(f -> rows.add(List.of("`" + f.getKey() + "`", Markdown.value(f.getValue()))));
      out.append(Markdown.table(List.of("figure", "value"), rows)).append('\n');
    }
    list(out, "Limited by the load generator", json.getJsonArray("limited_by_load_generator"));
    list(out, "Notes", json.getJsonArray("notes"));
    JsonObject profile = json.getJsonObject("detail", new JsonObject()).getJsonObject("profile");
    if (profile != null && !profile.isEmpty()) {
      out.append(ProfileSection.render(profile));
    }
  }

  private static void list(StringBuilder out, String title, JsonArray items) {
    if (items == null || items.isEmpty()) {
      return;
    }
    out.append(title).append(":\n\n");
    items.forEach(i -> out.append("- ").append(Markdown.value(i)).append('\n'));
    out.append('\n');
  }

  private static JsonObject newestMachine(List<ResultFile> results) {
    return results.stream()
        .max(
            (a, b) ->
                a.json().getString("started", "").compareTo(b.json().getString("started", "")))
        .map(r -> r.json().getJsonObject("machine", new JsonObject()))
        .orElse(new JsonObject());
  }

  /** bench/README.md, next to the results directory. */
  private static String readmeLink(List<ResultFile> results, Path writtenIn) {
    if (results.isEmpty()) {
      return "README.md";
    }
    Path resultsDir = results.get(0).path().toAbsolutePath().getParent();
    return link(writtenIn, resultsDir.getParent().resolve("README.md"));
  }

  private static String link(Path from, Path to) {
    return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString();
  }
}
