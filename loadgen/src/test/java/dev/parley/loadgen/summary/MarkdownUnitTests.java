package dev.parley.loadgen.summary;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownUnitTests {
  @Test
  void writesFiguresTheWayAReaderScansThem() {
    assertThat(Markdown.value(3.14159)).isEqualTo("3.142");
    assertThat(Markdown.value(0.000123456)).isEqualTo("0.0001235");
    assertThat(Markdown.value(5.0)).isEqualTo("5");
    assertThat(Markdown.value(203512.7)).isEqualTo("203513");
    assertThat(Markdown.value(1000000L)).isEqualTo("1000000");
    assertThat(Markdown.value(null)).isEqualTo("—");
    assertThat(Markdown.value(new JsonObject().put("a", 1))).isEqualTo("{\"a\":1}");
  }

  @Test
  void shortensPackagesButKeepsClassAndMethod() {
    assertThat(Markdown.shortFrame("io.netty.channel.nio.NioEventLoop.run"))
        .isEqualTo("i.n.c.n.NioEventLoop.run");
    assertThat(Markdown.shortFrame("Busy.spin")).isEqualTo("Busy.spin");
    assertThat(Markdown.shortFrame("vert.x event loops")).isEqualTo("vert.x event loops");
    assertThat(Markdown.shortFrame("byte[]")).isEqualTo("byte[]");
    assertThat(Markdown.shortFrame("java.util.HashMap$Node[]")).isEqualTo("j.u.HashMap$Node[]");
  }

  @Test
  void aPipeInACellDoesNotEndIt() {
    assertThat(Markdown.table(List.of("a"), List.of(List.of("x|y"))))
        .isEqualTo("| a |\n|---|\n| x\\|y |\n");
  }
}
