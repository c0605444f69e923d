package dev.parley.loadgen;

/**
 * One benchmark. A scenario runs against the processes already started ({@code make run} or
 * {@code make bench}), speaks only the public API (or, for the floor, a bare NATS server), and
 * returns what it measured; {@link ResultFiles} writes it down.
 */
public interface Scenario {
  /** The name on the command line and in the result file: {@code fanout}, {@code ramp}, … */
  String name();

  /** One line for {@code --help}: what it measures and its parameters with their defaults. */
  String usage();

  ScenarioResult run(RunSettings settings) throws Exception;
}
