package dev.parley.loadgen.profile;

/**
 * Puts a thread, by its name, into the group a reader charges costs to: the Vert.x event loops,
 * the NATS client's threads, the collector, the compiler. Names come either from JFR (the Java
 * name) or from {@code /proc/<pid>/task/<tid>/comm}, which Linux cuts to 15 characters, so every
 * rule is a prefix that survives the cut.
 */
final class ThreadGroups {
  static final String EVENT_LOOPS = "vert.x event loops";
  static final String WORKERS = "vert.x workers";
  static final String NATS = "NATS client";
  static final String GC = "GC";
  static final String JIT = "JIT compiler";
  static final String JFR = "JFR";
  static final String VM = "JVM (VM thread, safepoints)";
  static final String OTHER = "other";

  private ThreadGroups() {}

  static String of(String threadName) {
    String n = threadName == null ? "" : threadName;
    if (n.startsWith("vert.x-eventloo")) {
      return EVENT_LOOPS;
    }
    if (n.startsWith("vert.x-worker-t") || n.startsWith("vert.x-internal")) {
      return WORKERS;
    }
    if (n.startsWith("nats") || n.startsWith("jnats")) {
      return NATS;
    }
    if (n.startsWith("GC Thread") || n.startsWith("G1 ") || n.contains("GC ")) {
      return GC;
    }
    if (n.contains("CompilerThre") || n.startsWith("Sweeper")) {
      return JIT;
    }
    if (n.startsWith("JFR ")) {
      return JFR;
    }
    if (n.equals("VM Thread")) {
      return VM;
    }
    if (n.startsWith("parley-")) {
      // Parley's own named threads (the worker's relay, …) are worth a line each.
      return n.replaceAll("[-#:]?\\d+$", "");
    }
    return OTHER;
  }
}
