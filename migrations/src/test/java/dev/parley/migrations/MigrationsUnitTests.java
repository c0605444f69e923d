package dev.parley.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.schema.Migrations;
import dev.parley.contract.schema.Migrations.Migration;
import dev.parley.contract.schema.SchemaCheck;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationsUnitTests {

  private static final Pattern SCRIPT = Pattern.compile("V([0-9._]+)__(\\w+)\\.sql");

  @Test
  void bundledListMatchesTheScriptsOnTheClasspath() throws Exception {
    List<String> onClasspath =
        scriptsOnClasspath().stream()
            .sorted(
                Comparator.comparing(MigrationsUnitTests::versionOf, SchemaCheck::compareVersions))
            .collect(Collectors.toList());
    List<String> bundled =
        Migrations.BUNDLED.stream().map(m -> m.scriptName() + ".sql").collect(Collectors.toList());

    assertThat(bundled).containsExactlyElementsOf(onClasspath);
  }

  @Test
  void latestVersionIsTheLastBundledMigration() {
    Migration last = Migrations.BUNDLED.get(Migrations.BUNDLED.size() - 1);
    assertThat(Migrations.LATEST_VERSION).isEqualTo(last.version());
  }

  @Test
  void everyScriptIsNamedTheWayFlywayExpects() throws Exception {
    assertThat(scriptsOnClasspath()).isNotEmpty().allMatch(name -> SCRIPT.matcher(name).matches());
  }

  static List<String> scriptsOnClasspath() throws IOException, URISyntaxException {
    URL dir = MigrationsUnitTests.class.getClassLoader().getResource("db/migration");
    assertThat(dir).as("db/migration on the classpath").isNotNull();
    List<String> names = new ArrayList<>();
    if ("jar".equals(dir.getProtocol())) {
      try (JarFile jar = ((JarURLConnection) dir.openConnection()).getJarFile()) {
        jar.stream()
            .map(e -> e.getName())
            .filter(n -> n.startsWith("db/migration/") && n.length() > "db/migration/".length())
            .forEach(n -> names.add(n.substring("db/migration/".length())));
      }
    } else {
      try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
        files.forEach(p -> names.add(p.getFileName().toString()));
      }
    }
    return names;
  }

  static String versionOf(String script) {
    Matcher m = SCRIPT.matcher(script);
    return m.matches() ? m.group(1) : "0";
  }
}
