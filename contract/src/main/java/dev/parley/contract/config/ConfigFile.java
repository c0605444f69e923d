package dev.parley.contract.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The optional YAML file beside the environment ({@code PARLEY_CONFIG_FILE}): one flat mapping
 * whose keys are the environment variables' names ({@code PARLEY_PG_HOST: db.internal}), so a
 * setting has one name wherever it is set. A variable set in the environment wins over the file.
 *
 * <p>A key that is no Parley setting (a typo, a name from elsewhere) stops the process with an error
 * naming it, rather than being silently ignored. Any process may read any setting's key, so one file
 * can serve every process of a deployment.
 */
public final class ConfigFile {
  public static final String VARIABLE = "PARLEY_CONFIG_FILE";

  /** Every setting of every process and its former names, one a line (kept equal to docs/configuration.md by a test). */
  private static final String KNOWN_SETTINGS = "settings.txt";

  private ConfigFile() {}

  /** {@code environment} over the file it names in {@code PARLEY_CONFIG_FILE}, if any. */
  public static Env withFile(Env environment) {
    return environment
        .optional(VARIABLE)
        .map(path -> environment.over(read(Path.of(path))))
        .orElse(environment);
  }

  /** The file's settings, each as the text an environment variable would hold. */
  static Map<String, String> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(VARIABLE + "=" + file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(VARIABLE + "=" + file + ": cannot read it: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  static Map<String, String> parse(String text, String source) {
    Object document;
    try {
      // SafeConstructor: plain maps, lists and scalars only, never a Java object named by the file
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new ConfigException(source + " is not valid YAML: " + e.getMessage());
    }
    if (document == null) {
      return Map.of();
    }
    if (!(document instanceof Map<?, ?> mapping)) {
      throw new ConfigException(
          source + " must be a mapping of setting names to values (PARLEY_PG_HOST: db.internal)");
    }
    Set<String> known = knownSettings();
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : mapping.entrySet()) {
      String name = String.valueOf(entry.getKey());
      if (!known.contains(name)) {
        throw new ConfigException(
            source
                + ": "
                + name
                + " is not a Parley setting (every setting is listed in docs/configuration.md)");
      }
      Object value = entry.getValue();
      if (value instanceof Map<?, ?> || value instanceof Iterable<?>) {
        throw new ConfigException(
            source + ": " + name + " must be a plain value, as its environment variable would be");
      }
      settings.put(name, value == null ? "" : String.valueOf(value));
    }
    return settings;
  }

  /** The names a file may set. */
  static Set<String> knownSettings() {
    try (InputStream in = ConfigFile.class.getResourceAsStream(KNOWN_SETTINGS)) {
      if (in == null) {
        throw new IllegalStateException(KNOWN_SETTINGS + " is missing from the contract jar");
      }
      Set<String> names = new TreeSet<>();
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::trim)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .forEach(names::add);
      return Collections.unmodifiableSet(names);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
