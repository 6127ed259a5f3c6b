package io.upsfleet.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.upsfleet.gateway.testing.ApiContract;
import io.upsfleet.load.fleet.Member;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load harness calls only operations of the gateway's OpenAPI document: the command probe (the
 * harness's one HTTP call of its own; everything else goes through the api module's client, checked
 * by the gateway's DocumentedClientCallsTest) runs against a local server that records its requests.
 */
class DocumentedCallsTest {
  private HttpServer server;
  private final Set<String> calls = new ConcurrentSkipListSet<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String method = exchange.getRequestMethod();
          calls.add(method + " " + exchange.getRequestURI().getRawPath());
          exchange.getRequestBody().readAllBytes();
          boolean post = method.equals("POST");
          byte[] body =
              (post ? "{\"id\":\"c1\",\"status\":\"PENDING\"}" : "{\"id\":\"c1\",\"status\":\"SUCCEEDED\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(post ? 202 : 200, body.length);
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
  void theCommandProbeCallsOnlyDocumentedOperations() {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try (CommandProbe probe =
        new CommandProbe(base, "token", List.of(new Member("AS1036123456", "s", "SMT1500C")), 20)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> calls.stream().map(c -> c.split(" ")[0]).distinct().count() == 2);
    }
    assertThat(calls)
        .contains(
            "POST /api/v1/devices/AS1036123456/commands",
            "GET /api/v1/devices/AS1036123456/commands/c1");
    for (String call : calls) {
      String[] parts = call.split(" ", 2);
      assertThat(ApiContract.get().operation(parts[0], parts[1]))
          .as(call + " is an operation of the OpenAPI document")
          .isPresent();
    }
  }
}
