package dev.parley.gateway.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.gateway.failure.ApiException;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class ListCursorUnitTests {
  @Test
  void aCursorRoundTrips() {
    ListCursor c = new ListCursor(OffsetDateTime.parse("2026-11-28T06:00:00.123456Z"), "abc|def");
    assertThat(ListCursor.decode(c.encode())).isEqualTo(c);
  }

  @Test
  void aForeignCursorIsABadRequest() {
    assertThatThrownBy(() -> ListCursor.decode("!!!"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("cursor");
    assertThatThrownBy(() -> ListCursor.decode("bm8tYmFy")).isInstanceOf(ApiException.class);
  }
}
