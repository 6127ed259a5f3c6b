package io.upsfleet.load.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.load.device.SimulatedModel;
import io.upsfleet.load.device.SimulatedUps;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulator's telemetry payload, written without a JSON tree, says what the device holds. */
class TelemetryPayloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SimulatedUps device(SimulatedModel model) {
    SimulatedUps ups = new SimulatedUps("AS2350000001", model, 3, SimulatedUps.Faults.NONE);
    Instant now = Instant.parse("2026-12-07T07:00:00.123Z");
    ups.tick(now, Duration.ofSeconds(1));
    ups.loseMains(now, Duration.ofSeconds(30)); // text and numbers of an unusual state too
    ups.tick(now.plusSeconds(1), Duration.ofSeconds(1));
    return ups;
  }

  @Test
  void everyVariableOfTheSampleWithItsTypeAndTheTimeAndSequence() throws Exception {
    for (SimulatedModel model : SimulatedModel.RANGE) {
      // Two devices of the same seed in the same state: a sample draws noise, so the payload of one
      // is compared with the other's sample.
      SimulatedUps ups = device(model);
      Map<String, Object> expected = device(model).telemetry();
      Instant now = Instant.parse("2026-12-07T07:00:00.123Z");

      JsonNode body = JSON.readTree(DeviceConnection.telemetryPayload(ups, now.plusSeconds(1), 41));

      assertThat(body.get("ts").asText()).isEqualTo("2026-12-07T07:00:01.123Z");
      assertThat(body.get("seq").asLong()).isEqualTo(41);
      assertThat(body.size()).isEqualTo(expected.size() + 2);
      for (Map.Entry<String, Object> e : expected.entrySet()) {
        JsonNode v = body.get(e.getKey());
        assertThat(v).as("%s of %s", e.getKey(), model.name()).isNotNull();
        if (e.getValue() instanceof Number n) {
          assertThat(v.isNumber()).as("%s is a number", e.getKey()).isTrue();
          assertThat(v.doubleValue()).as(e.getKey()).isEqualTo(n.doubleValue());
        } else {
          assertThat(v.asText()).as(e.getKey()).isEqualTo(String.valueOf(e.getValue()));
        }
      }
    }
  }
}
