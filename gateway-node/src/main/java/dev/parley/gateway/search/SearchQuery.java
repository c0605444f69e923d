package dev.parley.gateway.search;

import dev.parley.gateway.failure.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A search box's text, read the way Postgres' {@code websearch_to_tsquery} reads it: words must all
 * match, {@code "a phrase"} matches words in order, {@code or} between two terms accepts either,
 * {@code -word} excludes. Postgres parses the text itself for the full-text match (so no input can
 * be a syntax error there); this parse exists for what Postgres cannot do with a tsquery: the
 * trigram match of partial or misspelt words, term by term, and the highlight.
 *
 * @param text the query as given (trimmed)
 * @param groups every group must match; a group matches when any of its terms does (an {@code or})
 * @param excluded terms a message must not contain
 */
public record SearchQuery(String text, List<List<Term>> groups, List<Term> excluded) {
  public static final int MAX_CHARS = 500;
  public static final int MAX_TERMS = 16;

  /** One word or quoted phrase. */
  public record Term(String text, boolean phrase) {
    /** A term shorter than this is matched as a whole word only: two letters make no useful trigrams. */
    static final int MIN_FUZZY_CHARS = 3;

    /**
     * Whether the trigram match may find this term as part of a word or misspelt. A quoted phrase
     * asked for these words in this order, which trigrams cannot tell: it matches exactly.
     */
    public boolean fuzzy() {
      return !phrase && longEnough(text);
    }

    /** Whether a word is long enough for trigram matching. */
    static boolean longEnough(String word) {
      return word.codePointCount(0, word.length()) >= MIN_FUZZY_CHARS;
    }
  }

  public static SearchQuery parse(String raw) {
    String text = raw == null ? "" : raw.strip();
    if (text.isEmpty()) {
      throw ApiException.invalid("q is required: the words to search for");
    }
    if (text.length() > MAX_CHARS) {
      throw ApiException.invalid("q is longer than " + MAX_CHARS + " characters");
    }
    List<List<Term>> groups = new ArrayList<>();
    List<Term> excluded = new ArrayList<>();
    boolean pendingOr = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char ch = text.charAt(i);
      if (Character.isWhitespace(ch)) {
        i++;
        continue;
      }
      boolean negated = false;
      if (ch == '-' && i + 1 < n && !Character.isWhitespace(text.charAt(i + 1))) {
        negated = true;
        i++;
      }
      Term term;
      if (text.charAt(i) == '"') {
        int close = text.indexOf('"', i + 1);
        int end = close < 0 ? n : close;
        term = new Term(collapse(text.substring(i + 1, end)), true);
        i = close < 0 ? n : close + 1;
      } else {
        int start = i;
        while (i < n && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '"') {
          i++;
        }
        term = new Term(text.substring(start, i), false);
      }
      if (!hasWordCharacter(term.text())) {
        continue; // punctuation alone: Postgres finds no lexeme in it either
      }
      if (negated) {
        excluded.add(term);
        pendingOr = false;
      } else if (!term.phrase()
          && term.text().equalsIgnoreCase("or")
          && !groups.isEmpty()
          && !pendingOr
          && hasMoreWords(text, i)) {
        pendingOr = true;
      } else if (pendingOr) {
        groups.get(groups.size() - 1).add(term);
        pendingOr = false;
      } else {
        List<Term> group = new ArrayList<>();
        group.add(term);
        groups.add(group);
      }
    }
    if (groups.isEmpty()) {
      throw ApiException.invalid(
          "q has no word to search for (a query of exclusions alone would match everything)");
    }
    int terms = excluded.size() + groups.stream().mapToInt(List::size).sum();
    if (terms > MAX_TERMS) {
      throw ApiException.invalid(
          "q has " + terms + " terms; at most " + MAX_TERMS + " are searched");
    }
    List<List<Term>> frozen = new ArrayList<>();
    groups.forEach(g -> frozen.add(List.copyOf(g)));
    return new SearchQuery(text, List.copyOf(frozen), List.copyOf(excluded));
  }

  /** The lower-cased words a highlight marks: every word of every term that is not excluded. */
  public Set<String> highlightWords() {
    Set<String> words = new LinkedHashSet<>();
    for (List<Term> group : groups) {
      for (Term t : group) {
        words.addAll(Highlighter.words(t.text().toLowerCase(Locale.ROOT)));
      }
    }
    return words;
  }

  /** The exclusions in websearch syntax, for Postgres to parse: {@code -word -"a phrase"}. */
  String exclusionsText() {
    StringBuilder out = new StringBuilder();
    for (Term t : excluded) {
      out.append(out.length() == 0 ? "" : " ")
          .append('-')
          .append(t.phrase() ? "\"" + t.text() + "\"" : t.text());
    }
    return out.toString();
  }

  private static boolean hasMoreWords(String text, int from) {
    for (int j = from; j < text.length(); j++) {
      if (Character.isLetterOrDigit(text.charAt(j))) {
        return true;
      }
    }
    return false;
  }

  static boolean hasWordCharacter(String s) {
    return s.codePoints().anyMatch(Character::isLetterOrDigit);
  }

  private static String collapse(String s) {
    return s.strip().replaceAll("\\s+", " ");
  }
}
