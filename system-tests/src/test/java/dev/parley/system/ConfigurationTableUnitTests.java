package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.config.ConfigFile;
import dev.parley.contract.config.Env;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.logging.LogSettings;
import dev.parley.contract.tracing.TracingSettings;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.presence.PresenceConfig;
import dev.parley.worker.config.WorkerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md holds the one table of every setting. This keeps it true: the config classes
 * are run on a few environments (dev, production, an asymmetric key) through an {@link Env} that
 * records each name read and the default it offered, and each former name it accepts; the table
 * must list exactly those names, read by exactly those processes, with those former names and, where
 * the table gives a plain value, that default. A scan of the main sources catches a name read only
 * on a path these environments miss.
 */
class ConfigurationTableUnitTests {
  private static final Pattern NAME = Pattern.compile("PARLEY_[A-Z0-9_]*[A-Z0-9]");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern PER_PROCESS = Pattern.compile("`([^`]+)` ([a-z]+)");
  private static final Pattern LOGBACK_DEFAULT =
      Pattern.compile("\\$\\{(PARLEY_[A-Z0-9_]+):-([^}]*)}");
  private static final List<String> MODULES =
      List.of("contract", "migrations", "gateway-node", "persistence-worker", "presence-node");

  /** One row of the table. */
  record Row(String name, String defaultCell, Set<String> readBy, Set<String> formerNames) {}

  /** What the code read: name → process → default offered (null: none, or worked out). */
  private static final Map<String, Map<String, Object>> reads = new TreeMap<>();

  /** Former name → current name, as the config classes declare them. */
  private static final Map<String, String> formerNames = new TreeMap<>();

  private static Path root;
  private static Map<String, Row> table;

  @BeforeAll
  static void readCodeAndTable() throws IOException {
    root = repositoryRoot();
    table = parseTable(Files.readString(root.resolve("docs/configuration.md")));

    String key = "x".repeat(40);
    readAs("gateway", Map.of("PARLEY_PROFILE", "dev"), GatewayConfig::fromEnv);
    readAs("gateway", Map.of("PARLEY_JWT_SECRET", key), GatewayConfig::fromEnv);
    readAs(
        "gateway",
        Map.of("PARLEY_JWT_ALGORITHM", "RS256", "PARLEY_JWT_JWKS_URL", "https://idp.example/jwks"),
        GatewayConfig::fromEnv);
    // the S3 settings are read only when files go to S3
    readAs(
        "gateway",
        Map.of("PARLEY_PROFILE", "dev", "PARLEY_FILES_STORE", "s3", "PARLEY_S3_BUCKET", "b"),
        GatewayConfig::fromEnv);
    readAs("worker", Map.of(), WorkerConfig::fromEnv);
    readAs("presence", Map.of(), PresenceConfig::fromEnv);
    // what each process's main reads beside its config: the file, the logging, the tracing
    for (String process : List.of("gateway", "worker", "presence")) {
      readAs(process, Map.of(), ConfigFile::withFile);
      readAs(process, Map.of(), LogSettings::fromEnv);
      readAs(process, Map.of(), TracingSettings::fromEnv);
    }
    // MigrateMain reads exactly this
    readAs("migrations", Map.of(), PostgresSettings::fromEnv);
    // logback.xml of contract, which every process runs with
    Matcher m =
        LOGBACK_DEFAULT.matcher(
            Files.readString(root.resolve("contract/src/main/resources/logback.xml")));
    while (m.find()) {
      for (String process : List.of("gateway", "worker", "presence", "migrations")) {
        reads.computeIfAbsent(m.group(1), n -> new TreeMap<>()).put(process, m.group(2));
      }
    }
  }

  private static void readAs(String process, Map<String, String> vars, Consumer<Env> read) {
    Env env = new Env(vars);
    read.accept(env);
    env.settingsRead()
        .forEach(
            (name, fallback) -> {
              Map<String, Object> byProcess = reads.computeIfAbsent(name, n -> new TreeMap<>());
              // read with different defaults on different paths (dev/prod): not a plain default
              if (byProcess.containsKey(process) && !equal(byProcess.get(process), fallback)) {
                byProcess.put(process, Unchecked.VALUE);
              } else {
                byProcess.put(process, fallback);
              }
            });
    formerNames.putAll(env.formerNames());
  }

  private enum Unchecked {
    VALUE
  }

  @Test
  void aConfigurationFileMaySetExactlyTheNamesOfTheTable() throws IOException {
    Set<String> names = new TreeSet<>(table.keySet());
    table.values().forEach(row -> names.addAll(row.formerNames()));
    Set<String> known = new TreeSet<>();
    Files.readString(
            root.resolve("contract/src/main/resources/dev/parley/contract/config/settings.txt"))
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(known::add);

    assertThat(known).isEqualTo(names);
  }

  @Test
  void everyNameTheProcessesReadIsInTheTable() {
    assertThat(table.keySet()).containsAll(reads.keySet());
  }

  @Test
  void everyRowIsReadByExactlyTheProcessesItNames() {
    List<String> wrong = new ArrayList<>();
    table.forEach(
        (name, row) -> {
          Set<String> actual = reads.containsKey(name) ? reads.get(name).keySet() : Set.of();
          if (!row.readBy().equals(actual)) {
            wrong.add(name + ": table " + row.readBy() + ", code " + actual);
          }
        });
    assertThat(wrong).isEmpty();
  }

  @Test
  void formerNamesAreListedWithTheirCurrentNames() {
    Map<String, String> documented = new TreeMap<>();
    table.forEach((name, row) -> row.formerNames().forEach(former -> documented.put(former, name)));
    assertThat(documented).isEqualTo(formerNames);
  }

  @Test
  void plainDefaultsInTheTableAreTheDefaultsOfTheCode() {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Row row : table.values()) {
      Map<String, String> documented = plainDefaults(row);
      for (Map.Entry<String, String> d : documented.entrySet()) {
        Object actual = reads.getOrDefault(row.name(), Map.of()).get(d.getKey());
        if (actual == null || actual == Unchecked.VALUE) {
          continue;
        }
        checked++;
        if (!matches(d.getValue(), actual)) {
          wrong.add(
              row.name() + " (" + d.getKey() + "): table " + d.getValue() + ", code " + actual);
        }
      }
    }
    assertThat(wrong).isEmpty();
    // most rows have a plain default: a parser that found none would check nothing
    assertThat(checked).isGreaterThan(60);
  }

  @Test
  void everyNameInTheMainSourcesIsACurrentOrFormerNameOfTheTable() throws IOException {
    Set<String> known = new TreeSet<>(table.keySet());
    known.addAll(formerNames.keySet());
    Map<String, String> unknown = new TreeMap<>();
    for (String module : MODULES) {
      Path main = root.resolve(module).resolve("src/main");
      try (Stream<Path> files = Files.walk(main)) {
        for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          Matcher m = NAME.matcher(Files.readString(file));
          while (m.find()) {
            if (!known.contains(m.group())) {
              unknown.put(m.group(), root.relativize(file).toString());
            }
          }
        }
      }
    }
    assertThat(unknown).isEmpty();
  }

  /** The rows of the table whose header starts with {@code | variable |}. */
  static Map<String, Row> parseTable(String markdown) {
    Map<String, Row> rows = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("| variable |")) {
        inTable = true;
        continue;
      }
      if (!inTable || line.startsWith("|---")) {
        continue;
      }
      if (!line.startsWith("|")) {
        if (!rows.isEmpty()) {
          break;
        }
        continue;
      }
      String[] cells = line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1);
      assertThat(cells).as("row of five cells: %s", line).hasSize(5);
      Matcher name = CODE.matcher(cells[0].trim());
      assertThat(name.matches()).as("one variable per row: %s", line).isTrue();
      Set<String> readBy = new TreeSet<>();
      for (String p : cells[2].split(",")) {
        readBy.add(p.trim());
      }
      Set<String> former = new TreeSet<>();
      Matcher f = CODE.matcher(cells[4]);
      while (f.find()) {
        former.add(f.group(1));
      }
      Row row = new Row(name.group(1), cells[1].trim(), readBy, former);
      assertThat(rows.put(row.name(), row)).as("listed twice: %s", row.name()).isNull();
    }
    assertThat(rows).as("the table of docs/configuration.md").isNotEmpty();
    return rows;
  }

  /**
   * Process → default text, for a cell that is one plain value ({@code `2s`}, optionally followed
   * by a remark in parentheses: every process that reads it) or one per process ({@code `8080`
   * gateway, `8090` worker}). Anything else (placeholders, prose) is not checked.
   */
  private static Map<String, String> plainDefaults(Row row) {
    Map<String, String> out = new HashMap<>();
    String cell = row.defaultCell();
    Matcher single = Pattern.compile("`([^`<]*)`( \\(.*\\))?").matcher(cell);
    if (single.matches()) {
      row.readBy().forEach(p -> out.put(p, single.group(1)));
      return out;
    }
    if (cell.matches("`[^`<]*` [a-z]+(, `[^`<]*` [a-z]+)*")) {
      Matcher m = PER_PROCESS.matcher(cell);
      while (m.find()) {
        out.put(m.group(2), m.group(1));
      }
    }
    return out;
  }

  private static boolean matches(String text, Object actual) {
    if (actual instanceof Duration d) {
      return d.equals(Env.parseDuration(text));
    }
    if (actual instanceof Enum<?> e) {
      return e.name().equalsIgnoreCase(text);
    }
    return actual.toString().equals(text);
  }

  private static boolean equal(Object a, Object b) {
    return a == null ? b == null : a.equals(b);
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/configuration.md"))) {
        return p;
      }
    }
    throw new UncheckedIOException(
        new IOException("docs/configuration.md not found above " + Path.of("").toAbsolutePath()));
  }
}
