package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.testing.ApiContract;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The api module's {@link UpsfleetClient} calls only operations of the OpenAPI document: every
 * public method is called against a local HTTP server that records what it is asked, and each
 * request (method and path) must be an operation of the document. The ITs check the answers the
 * client gets; this checks the calls no IT happens to make.
 */
class DocumentedClientCallsTest {
  private HttpServer server;
  private final List<String> calls = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          synchronized (calls) {
            calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
          }
          exchange.getRequestBody().readAllBytes();
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void everyCallOfTheApiClientIsADocumentedOperation() throws Exception {
    UpsfleetClient client =
        new UpsfleetClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    Set<String> invoked = new TreeSet<>();
    for (Method m : UpsfleetClient.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) continue;
      if (m.getName().equals("token")) continue; // no call
      Object[] args = new Object[m.getParameterCount()];
      for (int i = 0; i < args.length; i++) args[i] = sample(m.getParameterTypes()[i]);
      try {
        m.invoke(client, args);
      } catch (InvocationTargetException e) {
        // The recorded request is what matters; "{}" is not every method's answer.
      }
      invoked.add(m.getName());
    }
    assertThat(invoked).hasSizeGreaterThan(20);
    assertThat(calls).hasSizeGreaterThanOrEqualTo(invoked.size());
    List<String> undocumented = new ArrayList<>();
    for (String call : calls) {
      String[] parts = call.split(" ", 2);
      if (ApiContract.get().operation(parts[0], parts[1]).isEmpty()) undocumented.add(call);
    }
    assertThat(undocumented).as("calls that are not operations of the document").isEmpty();
  }

  private static Object sample(Class<?> type) {
    if (type == String.class) return "AS1036123456";
    if (type == boolean.class || type == Boolean.class) return Boolean.TRUE;
    if (type == int.class || type == Integer.class) return 1;
    if (type == Map.class) return Map.of();
    if (type == List.class) return List.of();
    throw new IllegalArgumentException("no sample of " + type);
  }
}
