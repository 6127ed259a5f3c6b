package io.upsfleet.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.upsfleet.gateway.testing.RecordingServer;
import io.upsfleet.load.fleet.Member;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load harness calls only operations of the gateway's OpenAPI document: the command probe (the
 * harness's one HTTP call of its own; everything else goes through the api module's client, checked
 * by the gateway's DocumentedClientCallsTest) runs against a local server that records its
 * requests.
 */
class DocumentedCallsTest {
  @Test
  void theCommandProbeCallsOnlyDocumentedOperations() {
    try (RecordingServer server =
        new RecordingServer(
            method ->
                method.equals("POST")
                    ? new RecordingServer.Answer(202, "{\"id\":\"c1\",\"status\":\"PENDING\"}")
                    : new RecordingServer.Answer(
                        200, "{\"id\":\"c1\",\"status\":\"SUCCEEDED\"}"))) {
      try (CommandProbe probe =
          new CommandProbe(
              server.base(), "token", List.of(new Member("AS1036123456", "s", "SMT1500C")), 20)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> server.calls().stream().anyMatch(c -> c.startsWith("GET ")));
      }
      assertThat(server.calls())
          .contains(
              "POST /api/v1/devices/AS1036123456/commands",
              "GET /api/v1/devices/AS1036123456/commands/c1");
      assertThat(server.undocumented())
          .as("calls that are not operations of the document")
          .isEmpty();
    }
  }
}
