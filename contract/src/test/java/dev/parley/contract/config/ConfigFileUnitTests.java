package dev.parley.contract.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileUnitTests {
  @TempDir Path dir;

  private Env withFile(String yaml, Map<String, String> environment) throws Exception {
    Path file = dir.resolve("parley.yaml");
    Files.writeString(file, yaml);
    Map<String, String> vars = new java.util.HashMap<>(environment);
    vars.put(ConfigFile.VARIABLE, file.toString());
    return ConfigFile.withFile(new Env(vars));
  }

  @Test
  void settingsComeFromTheFileUnderTheirVariableNames() throws Exception {
    Env env = withFile("PARLEY_PG_HOST: db.internal\nPARLEY_PG_PORT: 6543\n", Map.of());

    assertThat(env.string("PARLEY_PG_HOST", "127.0.0.1")).isEqualTo("db.internal");
    assertThat(env.integer("PARLEY_PG_PORT", 5432, 1, 65535)).isEqualTo(6543);
  }

  @Test
  void theEnvironmentWinsOverTheFile() throws Exception {
    Env env =
        withFile(
            "PARLEY_PG_HOST: db.internal\nPARLEY_PG_DATABASE: fromfile\n",
            Map.of("PARLEY_PG_HOST", "from-env"));

    assertThat(env.string("PARLEY_PG_HOST", "127.0.0.1")).isEqualTo("from-env");
    assertThat(env.string("PARLEY_PG_DATABASE", "parley")).isEqualTo("fromfile");
  }

  @Test
  void anUnknownKeyIsAnErrorNamingIt() {
    assertThatThrownBy(() -> withFile("PARLEY_PG_HOST: db\nPARLEY_PG_HOTS: typo\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_PG_HOTS is not a Parley setting");
  }

  @Test
  void aNestedValueOrAFileThatIsNotAMappingIsRefused() {
    assertThatThrownBy(() -> withFile("PARLEY_PG_HOST:\n  name: db\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_PG_HOST must be a plain value");
    assertThatThrownBy(() -> withFile("- PARLEY_PG_HOST\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be a mapping");
  }

  @Test
  void aMissingFileIsAnErrorNamingTheVariable() {
    Env env = new Env(Map.of(ConfigFile.VARIABLE, dir.resolve("absent.yaml").toString()));

    assertThatThrownBy(() -> ConfigFile.withFile(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_CONFIG_FILE=")
        .hasMessageContaining("no such file");
  }

  @Test
  void withoutTheVariableNothingChanges() {
    Env env = new Env(Map.of("PARLEY_PG_HOST", "h"));

    assertThat(ConfigFile.withFile(env).string("PARLEY_PG_HOST", "x")).isEqualTo("h");
  }
}
