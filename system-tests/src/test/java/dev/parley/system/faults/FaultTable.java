package dev.parley.system.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The rows of one run, printed and written as a Markdown table (target/faults/table.md). */
final class FaultTable {
  static final String HEADER =
      "| fault | sends acked | acked but lost | stored twice | client gaps | ack p99 before"
          + " | ack p99 after | every client back | retries | notes |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|";

  private final List<String> lines = new ArrayList<>();

  synchronized void add(RowResult row) {
    lines.add(row.markdown());
    System.out.println("fault row: " + row.markdown());
  }

  synchronized String render(String setup) {
    return "Run "
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "; "
        + setup
        + "\n\n"
        + HEADER
        + "\n"
        + String.join("\n", lines)
        + "\n";
  }

  void write(Path file, String setup) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, render(setup));
    System.out.println(render(setup));
  }
}
