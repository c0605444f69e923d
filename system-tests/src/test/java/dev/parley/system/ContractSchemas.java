package dev.parley.system;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The schemas of docs/openapi.yaml and docs/asyncapi.yaml, applied to what a client really gets:
 * a REST answer is checked against the response schema of its operation and status, a WebSocket
 * frame against the payload of the server frame its {@code type} names. An answer whose path,
 * method or status the contract does not list, or a frame type it does not know, is a violation
 * too. {@link Api} and {@link WsClient} check everything they receive, so every system test checks
 * the contract on the way, and a schema that drifts from the server fails the build.
 *
 * <p>Schemas are JSON Schema 2020-12 with OpenAPI 3.1's vocabulary (openapi.yaml says {@code
 * openapi: 3.1.0}); asyncapi.yaml's payloads are read in the same dialect, and their {@code
 * ./openapi.yaml#/...} references resolve to the file beside it.
 */
public final class ContractSchemas {
  /** Where the two documents are known to the validator; their relative references resolve here. */
  private static final String BASE = "https://contract.parley.test/docs/";

  private static final String OPENAPI = "openapi.yaml";
  private static final String ASYNCAPI = "asyncapi.yaml";
  private static final String JSON = "application/json";

  /**
   * Parsing the documents and compiling their schemas takes a while; every client of the test JVM
   * shares one copy (it is read-only once built).
   */
  private static volatile ContractSchemas shared;

  private final SchemaRegistry registry;
  private final Map<String, Object> openApiTree;
  private final List<Route> routes = new ArrayList<>();
  private final Map<String, String> serverFrames = new LinkedHashMap<>();
  private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

  /** One documented path: its template, as a pattern, and its operations by lower-case method. */
  private record Route(String template, Pattern pattern, Map<String, Object> operations) {}

  private ContractSchemas(String openApi, String asyncApi) {
    this.registry =
        SchemaRegistry.withDefaultDialect(
            Dialects.getOpenApi31(),
            b -> b.schemas(Map.of(BASE + OPENAPI, openApi, BASE + ASYNCAPI, asyncApi)));
    openApiTree = yaml(openApi);
    map(openApiTree.get("paths"))
        .forEach((template, item) -> routes.add(new Route(template, pattern(template), map(item))));
    Map<String, Object> async = yaml(asyncApi);
    Map<String, Object> messages = map(map(async.get("components")).get("messages"));
    Map<String, Object> channelMessages =
        map(map(map(async.get("channels")).get("websocket")).get("messages"));
    for (Object ref :
        list(map(map(async.get("operations")).get("sendServerFrames")).get("messages"))) {
      // #/channels/websocket/messages/<key> -> {$ref: #/components/messages/<Name>}
      String key = lastSegment((String) map(ref).get("$ref"));
      String name = lastSegment((String) map(channelMessages.get(key)).get("$ref"));
      String type = (String) map(messages.get(name)).get("name");
      serverFrames.put(type, "#/components/messages/" + name + "/payload");
    }
  }

  /** The contract of the repository the tests run in (loaded once per JVM). */
  public static ContractSchemas shared() {
    ContractSchemas s = shared;
    if (s == null) {
      synchronized (ContractSchemas.class) {
        s = shared;
        if (s == null) {
          Path docs = docs();
          s = new ContractSchemas(read(docs.resolve(OPENAPI)), read(docs.resolve(ASYNCAPI)));
          shared = s;
        }
      }
    }
    return s;
  }

  /** A contract from the given texts of the two documents (for a test of this class). */
  static ContractSchemas of(String openApi, String asyncApi) {
    return new ContractSchemas(openApi, asyncApi);
  }

  /** The repository's docs/ directory, found upwards from where the tests run. */
  static Path docs() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/" + OPENAPI))) {
        return p.resolve("docs");
      }
    }
    throw new IllegalStateException(
        "docs/openapi.yaml not found above " + Path.of("").toAbsolutePath());
  }

  /** As {@link #responseViolations(String, String, int, String, String)}, for a JSON answer. */
  public List<String> responseViolations(String method, String path, int status, String body) {
    return responseViolations(method, path, status, JSON, body);
  }

  /**
   * What is wrong with a REST answer, by the contract: nothing (an empty list), or each way it
   * differs. {@code path} is the request's path, with or without its query; {@code contentType}
   * the answer's header (parameters allowed; null when absent); {@code body} the answer's text
   * (empty or null for none). A JSON body is checked against its schema; any other body only
   * against the operation documenting a body that is not JSON (a file's bytes have no schema).
   */
  public List<String> responseViolations(
      String method, String path, int status, String contentType, String body) {
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String m = method.toLowerCase(Locale.ROOT);
    String what = method + " " + bare + " " + status;
    Route route = route(bare, m);
    if (route == null) {
      return List.of(what + ": no such operation in docs/openapi.yaml");
    }
    Map<String, Object> responses = map(map(route.operations().get(m)).get("responses"));
    String pointer = "#/paths/" + escape(route.template()) + "/" + m + "/responses/" + status;
    Object response = responses.get(Integer.toString(status));
    if (response == null) {
      return List.of(what + ": status not documented for " + method + " " + route.template());
    }
    if (map(response).get("$ref") instanceof String ref) {
      pointer = ref;
      response = resolve(ref);
    }
    boolean empty = body == null || body.isEmpty();
    Map<String, Object> content =
        map(response).get("content") == null ? Map.of() : map(map(response).get("content"));
    if (empty) {
      return content.isEmpty()
          ? List.of()
          : List.of(what + ": empty body, documented " + content.keySet());
    }
    String mediaType =
        contentType == null
            ? "no content type"
            : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    boolean json = mediaType.equals(JSON);
    boolean documented =
        json
            ? content.containsKey(JSON)
            : content.keySet().stream().anyMatch(documentedType -> !documentedType.equals(JSON));
    if (!documented) {
      return List.of(
          what
              + ": a body of type "
              + mediaType
              + " where docs/openapi.yaml documents "
              + (content.isEmpty() ? "none" : content.keySet()));
    }
    return json
        ? check(OPENAPI, pointer + "/content/application~1json/schema", body, what)
        : List.of();
  }

  /** What is wrong with a frame the server sent: nothing, or each way it differs from its message. */
  public List<String> frameViolations(String text) {
    String type;
    try {
      type = new JsonObject(text).getString("type");
    } catch (DecodeException | ClassCastException e) {
      return List.of("a frame that is not a JSON object with a string type: " + text);
    }
    String pointer = serverFrames.get(type);
    if (pointer == null) {
      return List.of(
          "frame type " + type + " is not a server frame of docs/asyncapi.yaml: " + text);
    }
    return check(ASYNCAPI, pointer, text, "frame " + type);
  }

  /** Throws when {@link #responseViolations} finds anything. */
  public void checkResponse(
      String method, String path, int status, String contentType, String body) {
    failOn(responseViolations(method, path, status, contentType, body), body);
  }

  /** Throws when {@link #frameViolations} finds anything. */
  public void checkFrame(String text) {
    failOn(frameViolations(text), text);
  }

  private static void failOn(List<String> violations, String seen) {
    if (!violations.isEmpty()) {
      throw new AssertionError(
          "answer breaks the documented contract: "
              + String.join("; ", violations)
              + "\n  got: "
              + seen);
    }
  }

  private List<String> check(String document, String pointer, String json, String what) {
    Schema schema =
        compiled.computeIfAbsent(
            document + pointer,
            k -> {
              Schema s = registry.getSchema(SchemaLocation.of(BASE + document + pointer));
              s.initializeValidators();
              return s;
            });
    List<Error> errors = schema.validate(json, InputFormat.JSON);
    List<String> out = new ArrayList<>();
    for (Error e : errors) {
      out.add(
          what
              + ": "
              + e.getInstanceLocation()
              + " "
              + e.getMessage()
              + " ("
              + document
              + pointer
              + ")");
    }
    return out;
  }

  private Route route(String path, String method) {
    for (Route r : routes) {
      if (r.pattern().matcher(path).matches() && r.operations().containsKey(method)) {
        return r;
      }
    }
    return null;
  }

  private Object resolve(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalStateException("only local references are followed here: " + ref);
    }
    Object node = openApiTree;
    for (String part : ref.substring(2).split("/")) {
      node = map(node).get(part.replace("~1", "/").replace("~0", "~"));
      Objects.requireNonNull(node, "no " + ref + " in docs/openapi.yaml");
    }
    return node;
  }

  private static Pattern pattern(String template) {
    StringBuilder p = new StringBuilder();
    for (String piece : template.split("(?=\\{)|(?<=})")) {
      p.append(piece.startsWith("{") ? "[^/]+" : Pattern.quote(piece));
    }
    return Pattern.compile(p.toString());
  }

  private static String escape(String pathTemplate) {
    return pathTemplate.replace("~", "~0").replace("/", "~1");
  }

  private static String lastSegment(String ref) {
    return ref.substring(ref.lastIndexOf('/') + 1);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  private static Map<String, Object> yaml(String text) {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return (List<Object>) o;
  }
}
