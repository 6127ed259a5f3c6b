package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.testing.RecordingServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The api module's {@link UpsfleetClient} calls only operations of the OpenAPI document: every
 * public method is called against a local server that records what it is asked, and each request
 * (method and path) must be an operation of the document. The ITs check the answers the client
 * gets; this checks the calls no IT happens to make.
 */
class DocumentedClientCallsTest {
  @Test
  void everyCallOfTheApiClientIsADocumentedOperation() throws Exception {
    try (RecordingServer server =
        new RecordingServer(method -> new RecordingServer.Answer(200, "{}"))) {
      UpsfleetClient client = new UpsfleetClient(server.base());
      Set<String> invoked = new TreeSet<>();
      for (Method m : UpsfleetClient.class.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) continue;
        if (Set.of("token", "baseUrl", "newSession", "withToken").contains(m.getName())) {
          continue; // no call
        }
        Object[] args = new Object[m.getParameterCount()];
        for (int i = 0; i < args.length; i++) args[i] = sample(m.getParameterTypes()[i]);
        // The action is a path segment callers take from a fixed set (pause/resume/abort).
        if (m.getName().equals("rolloutAction")) args[1] = "pause";
        try {
          m.invoke(client, args);
        } catch (InvocationTargetException e) {
          // The recorded request is what matters; "{}" is not every method's answer.
        }
        invoked.add(m.getName());
      }
      assertThat(invoked).hasSizeGreaterThan(20);
      assertThat(server.calls()).hasSizeGreaterThanOrEqualTo(invoked.size());
      assertThat(server.undocumented())
          .as("calls that are not operations of the document")
          .isEmpty();
    }
  }

  private static Object sample(Class<?> type) {
    if (type == String.class) return "AS1036123456";
    if (type == boolean.class || type == Boolean.class) return Boolean.TRUE;
    if (type == int.class || type == Integer.class) return 1;
    if (type == Map.class) return Map.of();
    if (type == List.class) return List.of();
    if (type == Instant.class) return Instant.parse("2026-12-06T00:00:00Z");
    return null; // a request body: none is sent, the method and path are what is checked
  }
}
