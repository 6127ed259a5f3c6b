package io.upsfleet.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import io.upsfleet.api.client.UpsfleetApi;
import io.upsfleet.api.client.UpsfleetClient;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's HTTP client, the api module's {@link UpsfleetClient}, agrees with the gateway's
 * OpenAPI document: every public method (those of {@link io.upsfleet.api.client.UpsfleetApi} that
 * the console's views call, and sign-in and the reseller's acceptance) is called against a local
 * recording server, and each request it sends (method and path) must be an operation of {@code
 * gateway/src/main/resources/io/upsfleet/gateway/http/openapi.yaml}. A console call to a route that
 * the document (and so the gateway) does not have fails here, naming the call.
 */
class ConsoleClientContractTest {
  private static final Path DOCUMENT =
      Path.of("..", "gateway", "src", "main", "resources", "io", "upsfleet", "gateway", "http")
          .resolve("openapi.yaml");

  private record Call(String method, String path) {}

  private record Operation(String method, Pattern path, String template) {}

  @Test
  void everyRequestOfTheConsolesClientIsADocumentedOperation() throws Exception {
    List<Operation> documented = operations();
    assertThat(documented).hasSizeGreaterThan(50);
    List<Call> calls = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext(
        "/",
        ex -> {
          calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().getRawPath()));
          ex.getRequestBody().readAllBytes();
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    Set<String> invoked = new TreeSet<>();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      UpsfleetClient client =
          new UpsfleetClient(base, Duration.ofSeconds(2), Duration.ofSeconds(5))
              .withToken("uft_token");
      for (Method m : UpsfleetClient.class.getMethods()) {
        if (m.getDeclaringClass() == Object.class
            || Modifier.isStatic(m.getModifiers())
            || Set.of("token", "baseUrl", "newSession", "withToken").contains(m.getName())) {
          continue;
        }
        int before = calls.size();
        Object[] args = new Object[m.getParameterCount()];
        for (int i = 0; i < args.length; i++) args[i] = sample(m.getParameterTypes()[i]);
        // The action is a path segment the console takes from a fixed set (pause/resume/abort).
        if (m.getName().equals("rolloutAction")) args[1] = "pause";
        try {
          Object result = m.invoke(client, args);
          if (result instanceof AutoCloseable c) c.close();
        } catch (ReflectiveOperationException | RuntimeException e) {
          // "{}" is not every method's answer; what was sent is what matters
        }
        if (calls.size() > before) invoked.add(m.getName());
      }
    } finally {
      server.stop(0);
    }
    assertThat(invoked)
        .as("every call of the API the console's views use sent a request")
        .containsAll(Arrays.stream(UpsfleetApi.class.getMethods()).map(Method::getName).toList())
        .contains("signIn", "acceptResellerInvitation");
    List<String> undocumented = new ArrayList<>();
    for (Call c : calls) {
      boolean known =
          documented.stream()
              .anyMatch(o -> o.method.equals(c.method) && o.path.matcher(c.path).matches());
      if (!known) undocumented.add(c.method + " " + c.path);
    }
    assertThat(undocumented)
        .as("console requests that are not operations of the document")
        .isEmpty();
  }

  /** Every operation of the document, its path template as a pattern ({x} = one segment). */
  private static List<Operation> operations() throws IOException {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
    assertThat(doc.path("openapi").asText()).startsWith("3.1");
    List<Operation> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> p = paths.next();
      String regex = p.getKey().replaceAll("\\{[^/}]+}", "[^/]+");
      Iterator<String> methods = p.getValue().fieldNames();
      while (methods.hasNext()) {
        String m = methods.next();
        if (Set.of("get", "put", "post", "delete", "patch").contains(m))
          out.add(new Operation(m.toUpperCase(Locale.ROOT), Pattern.compile(regex), p.getKey()));
      }
    }
    return out;
  }

  /** A plausible argument of {@code type}: records get samples for each component. */
  private static Object sample(Class<?> type) throws ReflectiveOperationException {
    if (type == String.class) return "AS1036123456";
    if (type == boolean.class || type == Boolean.class) return Boolean.TRUE;
    if (type == int.class || type == Integer.class) return 1;
    if (type == long.class || type == Long.class) return 1L;
    if (type == double.class || type == Double.class) return 1.0;
    if (type == Instant.class) return Instant.parse("2026-12-06T00:00:00Z");
    if (type == Duration.class) return Duration.ofMinutes(1);
    if (type == Map.class) return Map.of();
    if (type == List.class) return List.of();
    if (type == Set.class) return Set.of();
    if (type.isEnum()) return type.getEnumConstants()[0];
    if (type.isRecord()) {
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      Object[] values = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        values[i] = sample(types[i]);
      }
      try {
        return type.getDeclaredConstructor(types).newInstance(values);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}
