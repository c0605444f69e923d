package dev.parley.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Subjects;
import dev.parley.contract.wire.EventType;
import dev.parley.testing.ParleyExtension;
import dev.parley.testing.TestEnvironment;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/openapi.yaml and docs/asyncapi.yaml against what the server really does: the REST routes a
 * running gateway's router holds (method and path template, both ways), every frame type of
 * {@link EventType} (both ways), and the public NATS subjects of {@link Subjects}. A route added
 * without its documentation, or documented and never built, fails here.
 */
@ExtendWith(ParleyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSpecIntegrationTests {
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");

  private final TestEnvironment env;
  private Cluster cluster;

  ApiSpecIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeAll
  void start() {
    cluster = Cluster.start(env, Map.of(), 1, false);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void everyRouteTheGatewayServesIsInOpenApi() {
    Set<String> undocumented = new TreeSet<>(servedRoutes());
    undocumented.removeAll(documentedRoutes());
    assertThat(undocumented)
        .as("routes the gateway serves that docs/openapi.yaml does not describe")
        .isEmpty();
  }

  @Test
  void everyRouteInOpenApiIsServedByTheGateway() {
    Set<String> missing = new TreeSet<>(documentedRoutes());
    missing.removeAll(servedRoutes());
    assertThat(missing)
        .as("routes docs/openapi.yaml describes that the gateway does not serve")
        .isEmpty();
  }

  @Test
  void openApiIsVersion31AndEveryOperationSaysWhatItAnswers() {
    Map<String, Object> spec = yaml("openapi.yaml");
    assertThat(spec.get("openapi")).isEqualTo("3.1.0");
    paths(spec)
        .forEach(
            (path, item) ->
                item.forEach(
                    (method, op) -> {
                      if (HTTP_METHODS.contains(method)) {
                        assertThat(map(op).get("responses"))
                            .as(method + " " + path + " has responses")
                            .isNotNull();
                      }
                    }));
  }

  @Test
  void everyFrameTypeIsInAsyncApiAndNoOther() throws IllegalAccessException {
    Set<String> known = new TreeSet<>();
    for (Field f : EventType.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        known.add((String) f.get(null));
      }
    }
    Map<String, Object> spec = yaml("asyncapi.yaml");
    assertThat(spec.get("asyncapi")).isEqualTo("3.0.0");
    Set<String> documented = new TreeSet<>();
    collectTypeConstants(spec, documented);

    assertThat(known)
        .as("EventType constants missing from docs/asyncapi.yaml")
        .allSatisfy(t -> assertThat(documented).contains(t));
    assertThat(documented)
        .as("frame types in docs/asyncapi.yaml that EventType does not know")
        .allSatisfy(t -> assertThat(known).contains(t));
  }

  @Test
  void theNatsAddressesInAsyncApiAreTheSubjectsTheServerUses() {
    Subjects subjects = new Subjects("{prefix}");
    Set<String> addresses = new TreeSet<>();
    map(yaml("asyncapi.yaml").get("channels"))
        .values()
        .forEach(
            c -> {
              Object address = map(c).get("address");
              if (address != null) {
                addresses.add((String) address);
              }
            });
    assertThat(addresses)
        .contains(
            subjects.conversationEvents("{conversation_id}"),
            subjects.typing("{conversation_id}"),
            subjects.presence("{user_id}"),
            subjects.apiMessagesSend(),
            "/ws");
  }

  /** {@code "GET /api/v1/conversations/{}"}: method and path, parameter names erased. */
  private Set<String> servedRoutes() {
    List<Route> routes = cluster.gateway(0).httpRoutes();
    assertThat(routes).as("the gateway's router").isNotEmpty();
    Set<String> served = new TreeSet<>();
    for (Route r : routes) {
      String path = r.getPath();
      Set<HttpMethod> methods = r.methods();
      // middleware (body handler, auth on /api/v1/*) and the catch-all have no method or no path
      if (path == null || methods == null || methods.isEmpty() || path.endsWith("*")) {
        continue;
      }
      for (HttpMethod m : methods) {
        served.add(m.name().toUpperCase(Locale.ROOT) + " " + normalise(path));
      }
    }
    return served;
  }

  private Set<String> documentedRoutes() {
    Set<String> documented = new TreeSet<>();
    paths(yaml("openapi.yaml"))
        .forEach(
            (path, item) ->
                item.keySet().stream()
                    .filter(HTTP_METHODS::contains)
                    .forEach(
                        method ->
                            documented.add(
                                method.toUpperCase(Locale.ROOT) + " " + normalise(path))));
    return documented;
  }

  /** {@code /a/:id/b} and {@code /a/{id}/b} both become {@code /a/{}/b}. */
  static String normalise(String path) {
    return path.replaceAll(":[^/]+", "{}").replaceAll("\\{[^}/]*}", "{}");
  }

  private static void collectTypeConstants(Object node, Set<String> out) {
    if (node instanceof Map<?, ?> m) {
      if (m.get("properties") instanceof Map<?, ?> props
          && props.get("type") instanceof Map<?, ?> type
          && type.get("const") != null) {
        out.add(String.valueOf(type.get("const")));
      }
      m.values().forEach(v -> collectTypeConstants(v, out));
    } else if (node instanceof List<?> l) {
      l.forEach(v -> collectTypeConstants(v, out));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> paths(Map<String, Object> spec) {
    return (Map<String, Map<String, Object>>)
        Objects.requireNonNull(spec.get("paths"), "openapi.yaml has no paths");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> yaml(String name) {
    Path file = docs().resolve(name);
    try (Reader r = Files.newBufferedReader(file)) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  /** The repository's docs/ directory, found upwards from where the tests run. */
  private static Path docs() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/openapi.yaml"))) {
        return p.resolve("docs");
      }
    }
    throw new IllegalStateException(
        "docs/openapi.yaml not found above " + Path.of("").toAbsolutePath());
  }
}
