package dev.parley.loadgen.summary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code SummaryMain [results-dir] [summary-file]}: reads the newest {@code <date>-<scenario>.json}
 * of every scenario in the results directory ({@code bench/results} by default) and writes the
 * Markdown summary twice: as {@code <results-dir>/<date>-summary.md}, kept with the results of
 * that date, and as the summary file ({@code SUMMARY.md} beside the results directory, i.e. {@code
 * bench/SUMMARY.md}), which always shows the latest and which the README links.
 */
public final class SummaryMain {
  private SummaryMain() {}

  public static void main(String[] args) throws IOException {
    Path results = Path.of(args.length > 0 ? args[0] : "bench/results").toAbsolutePath();
    Path stable =
        args.length > 1
            ? Path.of(args[1]).toAbsolutePath()
            : results.getParent().resolve("SUMMARY.md");
    if (!Files.isDirectory(results)) {
      System.err.println("summary: no results directory " + results);
      System.exit(1);
    }
    List<Path> written = write(results, stable);
    if (written.isEmpty()) {
      System.err.println("summary: no <date>-<scenario>.json in " + results);
      System.exit(1);
    }
    written.forEach(p -> System.out.println("summary: " + p));
  }

  /** Writes both files and returns them; nothing when there is no result to summarise. */
  static List<Path> write(Path results, Path stable) throws IOException {
    List<ResultFile> files = ResultFile.newestPerScenario(results);
    if (files.isEmpty()) {
      return List.of();
    }
    String date = files.stream().map(ResultFile::date).max(String::compareTo).orElseThrow();
    Path dated = results.resolve(date + "-summary.md");
    Files.writeString(dated, SummaryDocument.render(files, dated.getParent()));
    Files.createDirectories(stable.getParent());
    Files.writeString(stable, SummaryDocument.render(files, stable.getParent()));
    return List.of(dated, stable);
  }
}
