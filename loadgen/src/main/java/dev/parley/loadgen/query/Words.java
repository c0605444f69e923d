package dev.parley.loadgen.query;

import java.util.List;
import java.util.Random;

/** What the writers say and what the readers search for: words of the seed's vocabulary. */
final class Words {
  private Words() {}

  private static final String[] COMMON = {
    "the",
    "to",
    "and",
    "a",
    "of",
    "in",
    "is",
    "it",
    "you",
    "that",
    "for",
    "on",
    "this",
    "we",
    "meeting",
    "deploy",
    "friday",
    "release",
    "build",
    "test",
    "review",
    "merge",
    "server",
    "database",
    "query",
    "search",
    "team",
    "project",
    "issue",
    "bug",
    "fix",
    "plan",
    "today",
    "tomorrow",
    "lunch",
    "call",
    "update",
    "status",
    "report",
    "customer",
    "invoice",
    "payment",
    "hello",
    "thanks",
    "please",
    "sure",
    "ready",
    "done",
    "check",
    "coffee",
    "demo",
    "launch"
  };

  /**
   * Searches as people type them: a common word, two words, a rarer word, a phrase, a typo
   * (answered by the trigram tier), and invented words of the seed's long tail.
   */
  static final List<String> QUERIES =
      List.of(
          "meeting",
          "deploy friday",
          "invoice",
          "release",
          "payment customer",
          "\"status report\"",
          "relase",
          "coffee",
          "kalo",
          "tasvel",
          "rollback staging",
          "interview feedback");

  /** 4-12 words, mostly common ones. */
  static String sentence(Random random) {
    int n = 4 + random.nextInt(9);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(COMMON[(int) Math.floor(Math.pow(random.nextDouble(), 2) * COMMON.length)]);
    }
    return out.toString();
  }
}
