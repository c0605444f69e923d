package dev.parley.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class HighlighterUnitTests {

  @Test
  void matchedWordsAreMarkedWhateverTheirCase() {
    assertThat(Highlighter.highlight("Deploy on FRIDAY, not monday", List.of("deploy", "friday")))
        .isEqualTo("<mark>Deploy</mark> on <mark>FRIDAY</mark>, not monday");
  }

  @Test
  void markupInTheContentIsEscapedAndOnlyOurMarksRemain() {
    String out =
        Highlighter.highlight(
            "<script>alert('x')</script> & \"friends\"", List.of("script", "friends"));

    assertThat(out)
        .isEqualTo(
            "&lt;<mark>script</mark>&gt;alert(&#39;x&#39;)&lt;/<mark>script</mark>&gt; &amp; &quot;<mark>friends</mark>&quot;");
    assertThat(out.replace("<mark>", "").replace("</mark>", ""))
        .doesNotContain("<", ">", "\"", "'");
  }

  @Test
  void aWordMatchingNoQueryWordIsEscapedToo() {
    assertThat(Highlighter.highlight("<img src=x onerror=alert(1)>", List.of("nothing")))
        .isEqualTo("&lt;img src=x onerror=alert(1)&gt;");
  }

  @Test
  void partialWordsAndTyposAreMarkedWhenTheExactWordIsAbsent() {
    assertThat(Highlighter.highlight("the deployment went out", List.of("deploy")))
        .isEqualTo("the <mark>deployment</mark> went out");
    assertThat(Highlighter.highlight("a message arrived", List.of("mesage")))
        .isEqualTo("a <mark>message</mark> arrived");
    assertThat(Highlighter.highlight("the release is out", List.of("relase")))
        .isEqualTo("the <mark>release</mark> is out");
    assertThat(Highlighter.highlight("the other one", List.of("the")))
        .as("the exact word is there, so words that merely contain it stay plain")
        .isEqualTo("<mark>the</mark> other one");
    assertThat(Highlighter.highlight("deploying a bit", List.of("hi")))
        .as("two letters never match part of a word")
        .isEqualTo("deploying a bit");
  }

  @Test
  void lettersBeyondAsciiAndAstralCharactersSurvive() {
    assertThat(Highlighter.highlight("Déjà vu 😀 café", List.of("déjà", "café")))
        .isEqualTo("<mark>Déjà</mark> vu 😀 <mark>café</mark>");
  }

  @Test
  void similarityIsSharedTrigramsOverAllAsPgTrgmCountsThem() {
    assertThat(Highlighter.similarity("mesage", "message")).isCloseTo(6.0 / 9, Offset.offset(1e-9));
    assertThat(Highlighter.similarity("relase", "release")).isEqualTo(0.5);
    assertThat(Highlighter.similarity("deploy", "employ")).isLessThan(Highlighter.TYPO_SIMILARITY);
    assertThat(Highlighter.similarity("deploy", "friday")).isZero();
  }
}
