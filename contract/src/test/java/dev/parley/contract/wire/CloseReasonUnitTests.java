package dev.parley.contract.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.wire.CloseReason.Reconnect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The close codes are spelled once, in {@link CloseReason}, and documented for client authors in
 * the public contract: each document's table of close codes lists exactly these, each with the
 * reconnect advice the code carries.
 */
class CloseReasonUnitTests {

  /** How the documents word each piece of advice. */
  private static final Map<Reconnect, String> ADVICE =
      Map.of(
          Reconnect.AT_ONCE, "at once",
          Reconnect.AFTER_JITTER, "short random delay",
          Reconnect.AFTER_FIX, "once it sends",
          Reconnect.NO, "not without a change");

  @Test
  void codesAreDistinctAndReasonsFitACloseFrame() {
    assertThat(Arrays.stream(CloseReason.values()).map(CloseReason::code).distinct())
        .hasSize(CloseReason.values().length);
    for (CloseReason r : CloseReason.values()) {
      // a close frame's payload is at most 125 bytes: the 2-byte code, then the reason
      assertThat(r.reason().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
      assertThat(r.reconnect()).isNotNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"docs/api.md", "docs/asyncapi.yaml"})
  void theDocumentListsEveryCloseCodeWithItsReconnectAdvice(String document) throws IOException {
    Map<Integer, String> rows = closeCodeRows(Files.readString(Path.of("..").resolve(document)));

    Map<Integer, Reconnect> expected = new TreeMap<>();
    for (CloseReason r : CloseReason.values()) {
      expected.put((int) r.code(), r.reconnect());
    }
    assertThat(rows.keySet()).as("close codes in " + document).isEqualTo(expected.keySet());
    expected.forEach(
        (code, reconnect) ->
            assertThat(rows.get(code))
                .as("reconnect advice for %d in %s", code, document)
                .contains(ADVICE.get(reconnect)));
  }

  /** Table rows that start with a close code: {@code | 1001 | why | reconnect |}, by code. */
  private static Map<Integer, String> closeCodeRows(String text) {
    Map<Integer, String> rows = new TreeMap<>();
    Matcher m =
        Pattern.compile("^\\s*\\| (\\d{4}) \\|(.*)\\|\\s*$", Pattern.MULTILINE).matcher(text);
    while (m.find()) {
      rows.put(Integer.parseInt(m.group(1)), m.group(2));
    }
    return rows;
  }
}
