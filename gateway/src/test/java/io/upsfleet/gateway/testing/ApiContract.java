package io.upsfleet.gateway.testing;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document of {@code /api/v1} ({@code openapi.yaml} beside the gateway's {@code
 * OpenApiRoutes}) as a checker of real responses: {@link #check} fails with an {@link
 * AssertionError} when a response's status is not declared for its operation, its content type is
 * not one the status declares, or its JSON body does not validate against the declared schema (JSON
 * Schema 2020-12, formats asserted). {@link ContractHttpClient} runs it on every response the ITs
 * receive, so that every IT is also a contract test.
 *
 * <p>Paths outside {@code /api/v1} (health, metrics) are not part of the contract. A path or method
 * the document does not have must be answered 401 (no token is checked before the route), 404 or
 * 405, as a problem.
 */
public final class ApiContract {
  /** The document's resource on the class path (the gateway's main resources). */
  public static final String RESOURCE = "/io/upsfleet/gateway/http/openapi.yaml";

  private static final String PREFIX = "/api/v1/";
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  private static final ApiContract INSTANCE = new ApiContract(read());

  private final JsonNode document;
  private final List<Operation> operations;
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  /** Every "METHOD template status" checked in this JVM (see {@link #checked()}). */
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  /** One operation of the document: its method (upper case), path template and definition. */
  public record Operation(String method, String template, List<String> segments, JsonNode node) {
    boolean matches(List<String> path) {
      if (path.size() != segments.size()) return false;
      for (int i = 0; i < path.size(); i++) {
        String s = segments.get(i);
        if (!s.startsWith("{") && !s.equals(path.get(i))) return false;
      }
      return true;
    }

    /** Literal segments before placeholders, position by position (as the access table ranks). */
    String specificity() {
      StringBuilder b = new StringBuilder();
      for (String s : segments) b.append(s.startsWith("{") ? '0' : '1');
      return b.toString();
    }
  }

  private ApiContract(JsonNode document) {
    this.document = document;
    List<Operation> ops = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (!METHODS.contains(op.getKey())) continue;
        ops.add(
            new Operation(
                op.getKey().toUpperCase(Locale.ROOT),
                path.getKey(),
                segments(path.getKey()),
                op.getValue()));
      }
    }
    this.operations = List.copyOf(ops);
  }

  /** The contract of the document on the class path. */
  public static ApiContract get() {
    return INSTANCE;
  }

  /** The document as a tree. */
  public JsonNode document() {
    return document;
  }

  /** Every operation of the document. */
  public List<Operation> operations() {
    return operations;
  }

  /**
   * The operation {@code method} on {@code path} (a concrete path such as {@code
   * /api/v1/devices/AS1/events}, without query), the most specific when several templates match.
   */
  public Optional<Operation> operation(String method, String path) {
    List<String> segments = segments(path);
    Operation best = null;
    for (Operation o : operations) {
      if (!o.method().equals(method) || !o.matches(segments)) continue;
      if (best == null || o.specificity().compareTo(best.specificity()) > 0) best = o;
    }
    return Optional.ofNullable(best);
  }

  /** Checks one exchange; throws {@link AssertionError} naming every way it breaks the contract. */
  public static void check(
      String method, URI uri, int status, Optional<String> contentType, byte[] body) {
    INSTANCE.verify(method, uri, status, contentType, body);
  }

  private void verify(
      String method, URI uri, int status, Optional<String> contentType, byte[] body) {
    String path = uri.getRawPath();
    if (path == null || !path.startsWith(PREFIX)) return;
    String what = method + " " + path + " → " + status;
    Optional<Operation> found = operation(method, path);
    if (found.isEmpty()) {
      // Not an operation of the document: only "no such route" answers are allowed.
      if (status != 401 && status != 404 && status != 405) {
        throw new AssertionError(
            "contract: " + what + " is not an operation of the OpenAPI document");
      }
      validateBody(what, "#/components/schemas/Problem", mediaType(contentType), body);
      return;
    }
    Operation op = found.get();
    seen.add(op.method() + " " + op.template() + " " + status);
    JsonNode response = op.node().path("responses").path(Integer.toString(status));
    if (response.isMissingNode()) {
      throw new AssertionError(
          "contract: "
              + what
              + " is not a declared status of "
              + op.method()
              + " "
              + op.template()
              + " (declared: "
              + names(op.node().path("responses"))
              + "); body: "
              + abbreviate(body));
    }
    String responsePointer = pointer("paths", op.template(), op.method().toLowerCase(Locale.ROOT));
    responsePointer += "/responses/" + status;
    if (response.has("$ref")) {
      responsePointer = response.get("$ref").asString();
      response = document.at(responsePointer.substring(1));
    }
    JsonNode content = response.path("content");
    if (content.isMissingNode() || content.isEmpty()) {
      if (body.length > 0) {
        throw new AssertionError(
            "contract: " + what + " declares no body but one came: " + abbreviate(body));
      }
      return;
    }
    String media = mediaType(contentType);
    if (!content.has(media)) {
      throw new AssertionError(
          "contract: "
              + what
              + " has content type "
              + contentType.orElse("(none)")
              + ", declared: "
              + names(content));
    }
    if (media.equals("application/json") || media.endsWith("+json")) {
      validateBody(what, responsePointer + "/content/" + escape(media) + "/schema", media, body);
    } else if (media.equals("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")) {
      if (body.length < 2 || body[0] != 'P' || body[1] != 'K') {
        throw new AssertionError("contract: " + what + " is not an XLSX (zip) document");
      }
    }
  }

  private void validateBody(String what, String schemaPointer, String media, byte[] body) {
    if (!media.equals("application/json") && !media.endsWith("+json")) {
      throw new AssertionError("contract: " + what + " is not JSON but " + media);
    }
    JsonNode value;
    try {
      value = JSON.readTree(body);
    } catch (RuntimeException e) {
      throw new AssertionError(
          "contract: " + what + " has a body that is not JSON: " + abbreviate(body));
    }
    List<Error> errors =
        schema(schemaPointer)
            .validate(value, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
    if (!errors.isEmpty()) {
      StringBuilder b = new StringBuilder("contract: " + what + " does not fit " + schemaPointer);
      for (Error e : errors) b.append("\n  ").append(e.toString());
      b.append("\n  body: ").append(abbreviate(body));
      throw new AssertionError(b.toString());
    }
  }

  /** A schema that is the document itself with a top-level reference to one of its schemas. */
  private Schema schema(String pointer) {
    return schemas.computeIfAbsent(
        pointer,
        p -> {
          ObjectNode root = JSON.createObjectNode();
          root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
          root.put("$ref", p);
          root.set("components", document.get("components"));
          root.set("paths", document.get("paths"));
          return registry.getSchema(root.toString(), InputFormat.JSON);
        });
  }

  private static String mediaType(Optional<String> contentType) {
    String raw = contentType.orElse("");
    int semi = raw.indexOf(';');
    return (semi < 0 ? raw : raw.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static String pointer(String... tokens) {
    StringBuilder b = new StringBuilder("#");
    for (String t : tokens) b.append('/').append(escape(t));
    return b.toString();
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> i = object.propertyNames().iterator(); i.hasNext(); ) out.add(i.next());
    return out;
  }

  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) if (!s.isEmpty()) out.add(s);
    return out;
  }

  private static String abbreviate(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8);
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
  }

  private static JsonNode read() {
    try (InputStream in = ApiContract.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("missing class-path resource " + RESOURCE);
      // The gateway reads it with Jackson 2; the validator works on Jackson 3 trees.
      return JSON.readTree(new YAMLMapper().readTree(in).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What was checked in this JVM so far: "METHOD template status", one line each (the ITs write it
   * to {@code target/contract-checked-<pid>.txt} when the JVM ends, to see which operations and
   * statuses the suite exercises).
   */
  public static Set<String> checked() {
    return new TreeSet<>(INSTANCE.seen);
  }

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (INSTANCE.seen.isEmpty()) return;
                  try {
                    Files.write(
                        Path.of(
                            "target", "contract-checked-" + ProcessHandle.current().pid() + ".txt"),
                        checked());
                  } catch (IOException | RuntimeException e) {
                    // a report only
                  }
                },
                "contract-report"));
  }

  /** Operations by "METHOD template", in document order (for the coverage tests). */
  public Map<String, Operation> byKey() {
    Map<String, Operation> out = new LinkedHashMap<>();
    for (Operation o : operations) out.put(o.method() + " " + o.template(), o);
    return out;
  }
}
