package dev.parley.loadgen.profile;

import java.io.IOException;

/**
 * The child JVM {@link JfrProfilerUnitTests} profiles: one thread named like a Vert.x event loop
 * spins in {@link #spinForTheProfiler}, allocating a little as it goes. Prints {@code ready} once
 * the thread runs, and exits when its standard input closes (the test ended or died).
 */
public final class BusyLoop {
  private static volatile Object sink;

  private BusyLoop() {}

  public static void main(String[] args) throws IOException {
    Thread busy =
        new Thread(
            () -> {
              long x = 1;
              while (true) {
                x = spinForTheProfiler(x);
                sink = new byte[16 * 1024];
              }
            },
            "vert.x-eventloop-thread-0");
    busy.setDaemon(true);
    busy.start();
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() != -1) {
      // wait for the end of input
    }
  }

  /** Plain arithmetic: no intrinsic, so every sample lands in this method's own frame. */
  static long spinForTheProfiler(long seed) {
    long x = seed;
    for (int i = 0; i < 1_000_000; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      x ^= x >>> 29;
    }
    return x;
  }
}
