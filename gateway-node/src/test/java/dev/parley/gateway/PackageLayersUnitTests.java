package dev.parley.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages form layers, as the package table of the module's README writes them
 * down: its "may use" column is what each package may depend on, checked here against the compiled
 * classes, so the table and the code cannot disagree.
 */
class PackageLayersUnitTests {
  private static final String ROOT = "dev.parley.gateway";
  private static final Path README = Path.of("README.md");

  private static JavaClasses classes;
  private static Map<String, Set<String>> table;

  @BeforeAll
  static void importClasses() throws IOException {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
    table = mayUseColumn(Files.readString(README));
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void noPackageUsesTheRootWhereEverythingIsWired() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT)
        .check(classes);
  }

  @Test
  void eachPackageUsesOnlyWhatItsReadmeRowAllows() {
    LayeredArchitecture layers =
        Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (String pkg : table.keySet()) {
      layers = layers.layer(pkg).definedBy(ROOT + "." + pkg + "..");
    }
    for (Map.Entry<String, Set<String>> row : table.entrySet()) {
      layers =
          row.getValue().isEmpty()
              ? layers.whereLayer(row.getKey()).mayNotAccessAnyLayer()
              : layers
                  .whereLayer(row.getKey())
                  .mayOnlyAccessLayers(row.getValue().toArray(String[]::new));
    }
    layers.check(classes);
  }

  @Test
  void eachReadmeRowListsOnlyPackagesItUses() {
    Map<String, Set<String>> used = packagesUsed();
    Map<String, Set<String>> stale = new TreeMap<>();
    table.forEach(
        (pkg, mayUse) -> {
          Set<String> unused = new TreeSet<>(mayUse);
          unused.removeAll(used.getOrDefault(pkg, Set.of()));
          if (!unused.isEmpty()) {
            stale.put(pkg, unused);
          }
        });
    assertThat(stale).as("\"may use\" entries of packages no longer used").isEmpty();
  }

  @Test
  void theTableNamesEveryPackageAndListsEachBelowItsUsers() {
    assertThat(table.keySet())
        .as("packages in the README table")
        .containsExactlyInAnyOrderElementsOf(packagesUsed().keySet());
    List<String> order = new ArrayList<>(table.keySet());
    table.forEach(
        (pkg, mayUse) ->
            mayUse.forEach(
                dep ->
                    assertThat(order.indexOf(dep))
                        .as("%s uses %s, so %s comes below it in the table", pkg, dep, dep)
                        .isGreaterThan(order.indexOf(pkg))));
  }

  /** Each package under the root and the other packages of ours its classes depend on. */
  private static Map<String, Set<String>> packagesUsed() {
    Map<String, Set<String>> used = new TreeMap<>();
    for (JavaClass c : classes) {
      String from = topPackage(c.getPackageName());
      if (from == null) {
        continue;
      }
      Set<String> deps = used.computeIfAbsent(from, k -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String to = topPackage(d.getTargetClass().getPackageName());
        if (to != null && !to.equals(from)) {
          deps.add(to);
        }
      }
    }
    return used;
  }

  /** {@code auth} for {@code dev.parley.gateway.auth.x}; null for the root and other packages. */
  private static String topPackage(String name) {
    if (!name.startsWith(ROOT + ".")) {
      return null;
    }
    String rest = name.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  /** The rows of the table under "## Packages": package to the packages its "may use" names. */
  static Map<String, Set<String>> mayUseColumn(String readme) {
    int start = readme.indexOf("## Packages");
    int end = readme.indexOf("\n## ", start + 1);
    Pattern row = Pattern.compile("^\\| `(\\w+)` \\|.*\\| ([^|]*) \\|$", Pattern.MULTILINE);
    Pattern name = Pattern.compile("`(\\w+)`");
    Map<String, Set<String>> rows = new LinkedHashMap<>();
    Matcher m = row.matcher(readme.substring(start, end));
    while (m.find()) {
      Set<String> mayUse = new TreeSet<>();
      Matcher n = name.matcher(m.group(2));
      while (n.find()) {
        mayUse.add(n.group(1));
      }
      rows.put(m.group(1), mayUse);
    }
    assertThat(rows).as("rows of the package table in " + README.toAbsolutePath()).isNotEmpty();
    return rows;
  }
}
