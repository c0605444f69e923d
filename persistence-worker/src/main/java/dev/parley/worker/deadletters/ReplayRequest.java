package dev.parley.worker.deadletters;

import java.util.ArrayList;
import java.util.List;

/**
 * What the replay command was asked: every pending dead letter, or the ones named. A sequence
 * belongs to the {@code --stream} given before it; with none, to whichever stream holds a dead
 * letter of that sequence (refused when several do).
 *
 * @param allPending {@code --all-pending}: every dead letter not replayed yet
 * @param named the dead letters named, in order (none with {@code --all-pending})
 */
record ReplayRequest(boolean allPending, List<Named> named) {
  static final String USAGE =
      "usage: replay [--stream <stream>] <stream_seq>...   (columns stream and stream_seq of dead_letters)\n"
          + "       replay --all-pending                      (every dead letter not replayed yet)\n"
          + "(java -jar persistence-worker-all.jar replay …, or the worker image with replay …)";

  /** A sequence, and the stream named before it (null: none was). */
  record Named(String stream, long seq) {
    @Override
    public String toString() {
      return stream == null ? Long.toString(seq) : stream + "/" + seq;
    }
  }

  /** The request, or IllegalArgumentException saying what is wrong with the arguments. */
  static ReplayRequest parse(String[] args) {
    boolean all = false;
    String stream = null;
    List<Named> named = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--all-pending")) {
        all = true;
      } else if (arg.equals("--stream")) {
        if (i + 1 == args.length || args[i + 1].startsWith("--")) {
          throw new IllegalArgumentException("--stream needs a stream name");
        }
        stream = args[++i];
      } else if (arg.startsWith("--stream=")) {
        stream = arg.substring("--stream=".length());
      } else {
        try {
          named.add(new Named(stream, Long.parseLong(arg)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a stream_seq: '" + arg + "'");
        }
      }
    }
    if (all && (!named.isEmpty() || stream != null)) {
      throw new IllegalArgumentException("--all-pending takes no stream or sequence");
    }
    if (!all && named.isEmpty()) {
      throw new IllegalArgumentException("name the dead letters to replay, or --all-pending");
    }
    return new ReplayRequest(all, List.copyOf(named));
  }
}
