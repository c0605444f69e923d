package dev.parley.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.gateway.failure.ApiException;
import dev.parley.gateway.search.SearchQuery.Term;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchQueryUnitTests {

  private static Term word(String w) {
    return new Term(w, false);
  }

  @Test
  void wordsAreEachRequired() {
    SearchQuery q = SearchQuery.parse("  deploy   Friday ");

    assertThat(q.text()).isEqualTo("deploy   Friday");
    assertThat(q.groups()).containsExactly(List.of(word("deploy")), List.of(word("Friday")));
    assertThat(q.excluded()).isEmpty();
    assertThat(q.highlightWords()).containsExactly("deploy", "friday");
  }

  @Test
  void phrasesOrAndExclusionsReadAsWebsearchDoes() {
    SearchQuery q = SearchQuery.parse("release \"go  live\" or launch -staging -\"dry run\"");

    assertThat(q.groups())
        .containsExactly(
            List.of(word("release")), List.of(new Term("go live", true), word("launch")));
    assertThat(q.excluded()).containsExactly(word("staging"), new Term("dry run", true));
    assertThat(q.exclusionsText()).isEqualTo("-staging -\"dry run\"");
    assertThat(q.highlightWords()).containsExactly("release", "go", "live", "launch");
  }

  @Test
  void orWithNothingOnOneSideIsAWord() {
    assertThat(SearchQuery.parse("or cats").groups())
        .containsExactly(List.of(word("or")), List.of(word("cats")));
    assertThat(SearchQuery.parse("cats or").groups())
        .containsExactly(List.of(word("cats")), List.of(word("or")));
  }

  @Test
  void anUnclosedQuoteRunsToTheEndAndPunctuationAloneIsIgnored() {
    SearchQuery q = SearchQuery.parse("\"half open ( ) & | ! <-> :*");

    assertThat(q.groups()).containsExactly(List.of(new Term("half open ( ) & | ! <-> :*", true)));
    assertThat(SearchQuery.parse("!!! & cats").groups()).containsExactly(List.of(word("cats")));
  }

  @Test
  void blankQueriesExclusionsAloneAndOversizedQueriesAreRefused() {
    for (String bad :
        new String[] {
          null,
          "",
          "   ",
          "-cats",
          "!!! ()",
          "x".repeat(SearchQuery.MAX_CHARS + 1),
          "a b c d e f g h i j k l m n o p q"
        }) {
      assertThatThrownBy(() -> SearchQuery.parse(bad))
          .as(String.valueOf(bad))
          .isInstanceOf(ApiException.class)
          .satisfies(e -> assertThat(((ApiException) e).code().httpStatus()).isEqualTo(400));
    }
  }

  @Test
  void shortTermsAndPhrasesMatchWholeWordsOnly() {
    assertThat(word("hi").fuzzy()).isFalse();
    assertThat(word("hey").fuzzy()).isTrue();
    assertThat(new Term("hey there", true).fuzzy()).isFalse();
  }
}
