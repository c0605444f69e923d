package dev.parley.loadgen.summary;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;

/** Small pieces of GitHub Markdown: tables, and values written the way a reader scans them. */
final class Markdown {
  private Markdown() {}

  static String table(List<String> headers, List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    row(out, headers);
    out.append('|');
    headers.forEach(h -> out.append("---|"));
    out.append('\n');
    rows.forEach(r -> row(out, r));
    return out.toString();
  }

  private static void row(StringBuilder out, List<String> cells) {
    out.append('|');
    cells.forEach(c -> out.append(' ').append(escape(c)).append(" |"));
    out.append('\n');
  }

  /** A cell's text: pipes would end the cell, newlines the row. */
  static String escape(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }

  /**
   * A figure as text: whole numbers as they are, others to 4 significant digits (a whole number
   * from 1,000 up), objects and arrays as compact JSON.
   */
  static String value(Object v) {
    if (v == null) {
      return "—";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return Double.toString(d);
      }
      if (Math.abs(d) >= 1000) {
        return Long.toString(Math.round(d));
      }
      return BigDecimal.valueOf(d).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
    if (v instanceof JsonObject o) {
      return o.encode();
    }
    if (v instanceof JsonArray a) {
      return a.encode();
    }
    return v.toString();
  }

  /**
   * {@code io.netty.channel.nio.NioEventLoop.run} as {@code i.n.c.n.NioEventLoop.run}: each package
   * part before the first capitalised one (the class) cut to its initial; text with no class in it
   * stays as it is.
   */
  static String shortFrame(String frame) {
    if (frame == null) {
      return "";
    }
    String[] parts = frame.split("\\.", -1);
    int classAt = -1;
    for (int i = 0; i < parts.length && classAt < 0; i++) {
      if (!parts[i].isEmpty() && Character.isUpperCase(parts[i].charAt(0))) {
        classAt = i;
      }
    }
    if (classAt <= 0) {
      return frame;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < classAt; i++) {
      out.append(parts[i].isEmpty() ? "" : parts[i].substring(0, 1)).append('.');
    }
    return out.append(String.join(".", Arrays.asList(parts).subList(classAt, parts.length)))
        .toString();
  }
}
