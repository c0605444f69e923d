package dev.parley.contract.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line logback.xml writes with PARLEY_LOG_FORMAT=json, on a logger context of its own. */
class JsonLogLineUnitTests {
  @Test
  void aJsonLineCarriesTheFormattedMessageTheMdcAndTheKeyValues() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // as slf4j's MDC has on the default context
    context.putProperty("PARLEY_LOG_FORMAT", "json");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(JsonLogLineUnitTests.class.getResource("/logback.xml"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ((OutputStreamAppender<?>) root.getAppender("json")).setOutputStream(out);

    context.getMDCAdapter().put("request_id", "req-1");
    try {
      context
          .getLogger("dev.parley.test")
          .atInfo()
          .addKeyValue("status", 201)
          .log("user {} joined {}", "alice", "general");
    } finally {
      context.getMDCAdapter().clear();
      context.stop();
    }

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1);
    JsonObject line = new JsonObject(lines.get(0));
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("loggerName")).isEqualTo("dev.parley.test");
    assertThat(line.getString("formattedMessage")).isEqualTo("user alice joined general");
    assertThat(line.getJsonObject("mdc")).isEqualTo(new JsonObject().put("request_id", "req-1"));
    assertThat(line.getJsonArray("kvpList"))
        .isEqualTo(new JsonArray().add(new JsonObject().put("status", "201")));
  }
}
