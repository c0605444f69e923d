package dev.parley.gateway.search;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds a search item's {@code highlight}: the content HTML-escaped, with the words that matched
 * the query wrapped in {@code <mark>…</mark>}.
 *
 * <p>Safe by construction: every character of the content goes through {@link #escape}, and the
 * only markup in the output is the {@code <mark>} tags written here, around escaped words. A word
 * matches a query word when it equals it; a query word the content does not hold exactly matches
 * the words that contain it (a partial word, three letters or more) or share most of its trigrams
 * (a typo), mirroring what the trigram index let through. So "the" marks "the", not "other", in a
 * message that has both.
 */
public final class Highlighter {
  /** How alike a misspelt query word and a content word must be: the threshold the SQL matched with. */
  static final double TYPO_SIMILARITY = Double.parseDouble(SearchSql.WORD_SIMILARITY_THRESHOLD);

  private Highlighter() {}

  public static String highlight(String content, Collection<String> queryWords) {
    if (content == null) {
      return "";
    }
    Set<String> exact = new HashSet<>();
    List<String> unmatched = new ArrayList<>(queryWords);
    for (String w : words(content)) {
      String lower = w.toLowerCase(Locale.ROOT);
      if (unmatched.remove(lower)) {
        exact.add(lower);
      }
    }
    // each query word's trigrams once, not once per content word
    List<FuzzyTerm> fuzzy =
        unmatched.stream()
            .filter(SearchQuery.Term::longEnough)
            .map(term -> new FuzzyTerm(term, trigrams(term)))
            .toList();
    StringBuilder out = new StringBuilder(content.length() + 32);
    int i = 0;
    int n = content.length();
    while (i < n) {
      int start = i;
      boolean word = isWordChar(content.codePointAt(i));
      while (i < n && isWordChar(content.codePointAt(i)) == word) {
        i += Character.charCount(content.codePointAt(i));
      }
      String piece = content.substring(start, i);
      if (word && matches(piece.toLowerCase(Locale.ROOT), exact, fuzzy)) {
        out.append("<mark>");
        escape(piece, out);
        out.append("</mark>");
      } else {
        escape(piece, out);
      }
    }
    return out.toString();
  }

  /** A query word the content does not hold exactly, long enough for trigram matching. */
  private record FuzzyTerm(String text, Set<String> trigrams) {}

  private static boolean matches(String word, Set<String> exact, List<FuzzyTerm> fuzzy) {
    if (exact.contains(word)) {
      return true;
    }
    Set<String> wordTrigrams = null;
    for (FuzzyTerm term : fuzzy) {
      if (word.contains(term.text())) {
        return true;
      }
      if (wordTrigrams == null) {
        wordTrigrams = trigrams(word);
      }
      if (similarity(term.trigrams(), wordTrigrams) >= TYPO_SIMILARITY) {
        return true;
      }
    }
    return false;
  }

  /**
   * Shared trigrams over all trigrams of the two words, as pg_trgm counts them (each word padded
   * with two spaces before and one after).
   */
  static double similarity(String term, String word) {
    return similarity(trigrams(term), trigrams(word));
  }

  private static double similarity(Set<String> t, Set<String> w) {
    int common = 0;
    for (String g : t) {
      if (w.contains(g)) {
        common++;
      }
    }
    int all = t.size() + w.size() - common;
    return all == 0 ? 0 : (double) common / all;
  }

  private static Set<String> trigrams(String word) {
    int[] cps = ("  " + word + " ").codePoints().toArray();
    Set<String> out = new HashSet<>();
    for (int k = 0; k + 3 <= cps.length; k++) {
      out.add(new String(cps, k, 3));
    }
    return out;
  }

  /** The words (runs of letters and digits) of a text, in order. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      while (i < n && !isWordChar(text.codePointAt(i))) {
        i += Character.charCount(text.codePointAt(i));
      }
      int start = i;
      while (i < n && isWordChar(text.codePointAt(i))) {
        i += Character.charCount(text.codePointAt(i));
      }
      if (i > start) {
        out.add(text.substring(start, i));
      }
    }
    return out;
  }

  private static boolean isWordChar(int codePoint) {
    return Character.isLetterOrDigit(codePoint);
  }

  /** HTML text and attribute escaping: the five characters that can change markup. */
  static void escape(String s, StringBuilder out) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
  }
}
