package dev.parley.loadgen.summary;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A result's {@code detail.profile} (what {@code JfrProfiler.stopAndSummarise} returns: one
 * object per server process) as Markdown: per process, where its CPU went by thread group, its
 * collector's pauses, and side by side the hottest methods and the Parley frames they are charged
 * to.
 */
final class ProfileSection {
  private ProfileSection() {}

  static String render(JsonObject profile) {
    StringBuilder out = new StringBuilder();
    out.append("### Profile: top costs per process\n\n");
    out.append(
        "JFR, the JDK's `profile` settings, at the measured run's rate after it. Starting a"
            + " recording makes a warm JVM recompile, so the JIT share below is mostly the"
            + " recording's own. \"Hot\" is the method a Java"
            + " sample was in; \"Parley frame\" is the first `dev.parley` frame on that sample's"
            + " stack, so a cost inside Netty or the NATS client is charged to the Parley code"
            + " that called it.\n\n");
    for (String process : profile.fieldNames()) {
      Object value = profile.getValue(process);
      if (value instanceof JsonObject p) {
        process(out, process, p);
      }
    }
    return out.toString();
  }

  private static void process(StringBuilder out, String name, JsonObject p) {
    out.append("#### ").append(name);
    if (p.containsKey("error")) {
      out.append(" (pid ").append(p.getValue("pid")).append(")\n\n");
      out.append("Not profiled: ").append(p.getString("error")).append(".\n\n");
      return;
    }
    out.append(" (pid ")
        .append(p.getValue("pid"))
        .append(", ")
        .append(Markdown.value(p.getValue("seconds")))
        .append(" s, ")
        .append(p.getValue("execution_samples"))
        .append(" Java samples, ")
        .append(Markdown.value(p.getValue("samples_in_parley_code_percent")))
        .append("% with a Parley frame)\n\n");
    JsonArray cpu = p.getJsonArray("cpu_seconds_by_thread_group", new JsonArray());
    if (!cpu.isEmpty()) {
      out.append("CPU by thread group: ")
          .append(joined(cpu, "group", "cpu_seconds", " s"))
          .append(".\n\n");
    }
    JsonObject gc = p.getJsonObject("gc");
    if (gc != null) {
      out.append("GC: ")
          .append(gc.getValue("collections"))
          .append(" collections, ")
          .append(Markdown.value(gc.getValue("pause_total_ms")))
          .append(" ms of pauses, longest ")
          .append(Markdown.value(gc.getValue("pause_max_ms")))
          .append(" ms.\n\n");
    }
    JsonArray hot = p.getJsonArray("hot_methods", new JsonArray());
    JsonArray parley = p.getJsonArray("parley_frames", new JsonArray());
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < Math.max(hot.size(), parley.size()); i++) {
      rows.add(
          List.of(
              Integer.toString(i + 1),
              frame(hot, i),
              percent(hot, i),
              frame(parley, i),
              percent(parley, i)));
    }
    if (!rows.isEmpty()) {
      out.append(Markdown.table(List.of("#", "hot method (self)", "%", "Parley frame", "%"), rows))
          .append('\n');
    }
    JsonArray alloc = p.getJsonArray("allocation_top", new JsonArray());
    if (!alloc.isEmpty()) {
      out.append("Allocated most: ").append(joined(alloc, "class", null, "")).append(".\n\n");
    }
  }

  /** {@code a 1.2 s (40%), b 0.3 s (10%)}; without an amount key, {@code a (40%), b (10%)}. */
  private static String joined(JsonArray rows, String key, String amountKey, String unit) {
    List<String> parts = new ArrayList<>();
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      String amount = amountKey == null ? "" : " " + Markdown.value(r.getValue(amountKey)) + unit;
      parts.add(
          "`"
              + Markdown.shortFrame(r.getString(key))
              + "`"
              + amount
              + " ("
              + Markdown.value(r.getValue("percent"))
              + "%)");
    }
    return String.join(", ", parts);
  }

  private static String frame(JsonArray rows, int i) {
    return i < rows.size()
        ? "`" + Markdown.shortFrame(rows.getJsonObject(i).getString("frame")) + "`"
        : "";
  }

  private static String percent(JsonArray rows, int i) {
    return i < rows.size() ? Markdown.value(rows.getJsonObject(i).getValue("percent")) : "";
  }
}
