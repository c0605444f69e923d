package dev.parley.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.gateway.messagerows.UnstoredSql;
import org.junit.jupiter.api.Test;

class SearchSqlUnitTests {

  @Test
  void userTextTravelsOnlyAsParameters() {
    SearchQuery q = SearchQuery.parse("deploy'); DROP TABLE messages; -- or \"x y\" -z");

    SearchSql.Statement s = SearchSql.build(q, "u'1", null, 20, UnstoredSql.NONE);

    assertThat(s.sql()).doesNotContain("DROP").doesNotContain("u'1").doesNotContain("\"x y\"");
    assertThat(s.params().getValue(0)).isEqualTo(q.text());
    assertThat(s.params().getValue(1)).isEqualTo("u'1");
    assertThat(s.params().getValue(2)).isEqualTo(20);
  }

  @Test
  void eachTermIsOneTrigramConditionAndPhrasesMatchExactly() {
    SearchQuery q = SearchQuery.parse("deploy friday or monday \"go live\" -staging");

    SearchSql.Statement s = SearchSql.build(q, "u1", "c1", 20, UnstoredSql.NONE);

    assertThat(s.sql())
        .contains(
            "(m.content %> $4::text) AND (m.content %> $5::text OR m.content %> $6::text)"
                + " AND (m.search_vector @@ phraseto_tsquery('simple'::regconfig, $7::text))"
                + " AND m.search_vector @@ websearch_to_tsquery('simple'::regconfig, $8::text)")
        .contains("mb.conversation_id = $9");
    assertThat(s.params().size()).isEqualTo(10);
    assertThat(s.params().getValue(9)).isEqualTo(UnstoredSql.NONE);
    assertThat(s.params().getValue(7)).isEqualTo("-staging");
  }
}
