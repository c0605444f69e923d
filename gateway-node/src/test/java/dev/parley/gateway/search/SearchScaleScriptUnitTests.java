package dev.parley.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.gateway.messagerows.UnstoredSql;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/search.md's plans come from scripts/search-scale/statements.sql; this keeps the statements
 * there equal to what {@link SearchSql} sends, and the session the same as search's pool.
 */
class SearchScaleScriptUnitTests {
  private static final Path SCRIPTS = Path.of("..", "scripts", "search-scale");

  /** The PREPARE line for a statement, as it stands in statements.sql. */
  static String prepared(String name, String q, String conversationId) {
    SearchSql.Statement s =
        SearchSql.build(SearchQuery.parse(q), "user", conversationId, 20, UnstoredSql.NONE);
    StringBuilder types = new StringBuilder();
    for (int i = 0; i < s.params().size(); i++) {
      types
          .append(i == 0 ? "" : ", ")
          .append(s.params().getValue(i) instanceof Integer ? "int" : "text");
    }
    return "PREPARE " + name + "(" + types + ") AS\n" + s.sql() + ";\n";
  }

  static String statements() {
    return prepared("words", "deploy friday", null)
        + prepared("word", "meeting", null)
        + prepared("typo", "relase", null)
        + prepared("scoped", "relase", "conversation");
  }

  @Test
  void theMeasuredStatementsAreTheOnesSearchSends() throws Exception {
    assertThat(Files.readString(SCRIPTS.resolve("statements.sql"))).isEqualTo(statements());
  }

  @Test
  void theMeasuringSessionHasSearchsSettings() throws Exception {
    String script = Files.readString(SCRIPTS.resolve("../search-scale.sh"));
    MessageSearch.CONNECTION_SETTINGS.forEach(
        (k, v) -> assertThat(script).contains("-c " + k + "=" + v));
  }

  /**
   * Run by hand to rewrite statements.sql after SearchSql changes: mvn ... -Dtest=SearchScaleScriptUnitTests -Dsearch.rewrite=true.
   * Asked, the file then holds exactly what search sends; not asked, it is left as it was.
   */
  @Test
  void rewriteWhenAsked() throws Exception {
    Path file = SCRIPTS.resolve("statements.sql");
    boolean asked = Boolean.getBoolean("search.rewrite");
    String before = Files.readString(file);
    if (asked) {
      Files.writeString(file, statements());
    }
    assertThat(Files.readString(file)).isEqualTo(asked ? statements() : before);
  }
}
