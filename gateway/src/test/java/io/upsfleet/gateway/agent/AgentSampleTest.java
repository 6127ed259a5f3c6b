package io.upsfleet.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the agent turns upsd's variables into a native device's sample, and reads its options. */
class AgentSampleTest {
  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void keepsTheKnownAcceptableValuesAndTheAcceptedStatusFlags() {
    Optional<ObjectNode> s =
        Agent.sample(
            Map.of(
                "ups.status", "OB DISCHRG LB HB",
                "battery.charge", "8",
                "input.voltage", "0.0",
                "ups.load", "900",
                "ups.model", "Back-UPS XS 700",
                "driver.name", "dummy-ups",
                "input.sensitivity", "H (high)"),
            7,
            42,
            NOW);
    assertThat(s).isPresent();
    ObjectNode o = s.get();
    assertThat(o.path("ups.status").asText())
        .as("HB is no upsfleet flag")
        .isEqualTo("OB DISCHRG LB");
    assertThat(o.path("battery.charge").asDouble()).isEqualTo(8.0);
    assertThat(o.path("input.voltage").asDouble()).isEqualTo(0.0);
    assertThat(o.path("ups.model").asText()).isEqualTo("Back-UPS XS 700");
    assertThat(o.has("ups.load")).as("out of range: left out, not the whole sample").isFalse();
    assertThat(o.has("driver.name")).as("unknown to the device protocol").isFalse();
    assertThat(o.has("input.sensitivity")).as("a driver-specific value").isFalse();
    assertThat(o.path("boot").asLong()).isEqualTo(7);
    assertThat(o.path("seq").asLong()).isEqualTo(42);
    assertThat(o.path("ts").asText()).isEqualTo("2026-12-06T10:00:00Z");
  }

  @Test
  void noSampleWhileUpsdHasNoStatus() {
    assertThat(Agent.sample(Map.of("ups.status", "WAIT"), 1, 1, NOW)).isEmpty();
    assertThat(Agent.sample(Map.of("battery.charge", "50"), 1, 1, NOW)).isEmpty();
  }

  @Test
  void optionsComeFromArgumentsThenTheEnvironmentAndAreChecked() {
    AgentSettings s =
        AgentSettings.parse(
            new String[] {"--ups", "myups", "--serial", "AS1036123456", "--upsd", "nas:3494"},
            Map.of("UPSFLEET_AGENT_SECRET", "s3cret", "UPSFLEET_AGENT_MQTT", "gw.example:8883"));
    assertThat(s.upsdHost()).isEqualTo("nas");
    assertThat(s.upsdPort()).isEqualTo(3494);
    assertThat(s.mqttHost()).isEqualTo("gw.example");
    assertThat(s.mqttPort()).isEqualTo(8883);
    assertThat(s.secret()).isEqualTo("s3cret");
    assertThat(s.toString()).doesNotContain("s3cret");
    assertThatThrownBy(
            () ->
                AgentSettings.parse(
                    new String[] {"--ups", "myups", "--serial", "lower"},
                    Map.of("UPSFLEET_AGENT_SECRET", "x")))
        .hasMessageContaining("--serial");
    assertThatThrownBy(
            () ->
                AgentSettings.parse(
                    new String[] {"--ups", "myups", "--serial", "AS1036123456"}, Map.of()))
        .hasMessageContaining("--secret");
  }
}
