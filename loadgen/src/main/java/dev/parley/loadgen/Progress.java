package dev.parley.loadgen;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** A progress line on standard output, so a long run shows where it is. */
public final class Progress {
  private Progress() {}

  public static void say(String line) {
    System.out.println("    " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
  }
}
