package dev.parley.loadgen.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code jcmd}, run against another JVM of the same user: how a recording is started
 * and stopped in a process that was not started with {@code -XX:StartFlightRecording}.
 */
final class Jcmd {
  private static final long TIMEOUT_SECONDS = 60;

  private final Path binary;

  Jcmd(Path binary) {
    this.binary = binary;
  }

  /** The jcmd beside the running JVM, else $JAVA_HOME's, else the one on the PATH. */
  static Jcmd locate() {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(System.getProperty("java.home"), "bin", "jcmd"));
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      candidates.add(Path.of(javaHome, "bin", "jcmd"));
    }
    for (Path c : candidates) {
      if (Files.isExecutable(c)) {
        return new Jcmd(c);
      }
    }
    return new Jcmd(Path.of("jcmd"));
  }

  /**
   * Runs {@code jcmd <pid> <command…>} and returns what it printed; fails when jcmd exits non-zero
   * or its output does not contain {@code expect} (jcmd exits 0 for some refused commands).
   */
  String run(long pid, String expect, String... command) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    argv.add(Long.toString(pid));
    argv.addAll(List.of(command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("jcmd " + pid + " " + command[0] + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running jcmd", e);
    }
    if (p.exitValue() != 0 || (expect != null && !out.contains(expect))) {
      throw new IOException(
          "jcmd " + pid + " " + String.join(" ", command) + " failed: " + lastLine(out));
    }
    return out;
  }

  private static String lastLine(String out) {
    String[] lines = out.split("\n");
    return lines.length == 0 ? "(no output)" : lines[lines.length - 1].trim();
  }
}
