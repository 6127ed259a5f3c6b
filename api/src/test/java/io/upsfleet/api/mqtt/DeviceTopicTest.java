package io.upsfleet.api.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upsfleet.api.Serials;
import io.upsfleet.api.mqtt.DeviceTopic.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceTopicTest {

  private static final String SERIAL = "AS1036123456";

  @Test
  void parsesEachDeviceTopic() {
    assertEquals(
        Optional.of(new DeviceTopic(SERIAL, Kind.TELEMETRY)),
        DeviceTopic.parse("ups/AS1036123456/telemetry"));
    assertEquals(
        Optional.of(new DeviceTopic(SERIAL, Kind.EVENTS)),
        DeviceTopic.parse("ups/AS1036123456/events"));
    assertEquals(
        Optional.of(new DeviceTopic(SERIAL, Kind.COMMANDS)),
        DeviceTopic.parse("ups/AS1036123456/commands"));
    assertEquals(
        Optional.of(new DeviceTopic(SERIAL, Kind.COMMAND_RESULTS)),
        DeviceTopic.parse("ups/AS1036123456/commands/result"));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void rendersATopicThatParsesBackToItself(Kind kind) {
    DeviceTopic topic = new DeviceTopic("3S2231X16739", kind);
    assertEquals(Optional.of(topic), DeviceTopic.parse(topic.topic()));
  }

  @Test
  void factoriesBuildTheExpectedTopicNames() {
    assertEquals("ups/AS1036123456/telemetry", DeviceTopic.telemetry(SERIAL).topic());
    assertEquals("ups/AS1036123456/events", DeviceTopic.events(SERIAL).topic());
    assertEquals("ups/AS1036123456/commands", DeviceTopic.commands(SERIAL).topic());
    assertEquals("ups/AS1036123456/commands/result", DeviceTopic.commandResults(SERIAL).topic());
  }

  @Test
  void acceptsSerialsOfMinimumAndMaximumLength() {
    assertTrue(DeviceTopic.parse("ups/ABCD1234/events").isPresent());
    assertTrue(DeviceTopic.parse("ups/ABCDEFGHIJ0123456789/commands/result").isPresent());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "ups",
        "ups/",
        "ups/AS1036123456",
        "ups/AS1036123456/",
        "ups/AS1036123456/telemetry/",
        "ups/AS1036123456/commands/",
        "ups/AS1036123456/commands/result/",
        "ups/AS1036123456/commands/results",
        "ups/AS1036123456/telemetry/extra",
        "ups/AS1036123456//telemetry",
        "ups//telemetry",
        "ups//AS1036123456/telemetry",
        "/ups/AS1036123456/telemetry",
        "UPS/AS1036123456/telemetry",
        "ups/AS1036123456/TELEMETRY",
        "ups/as1036123456/telemetry",
        "ups/AS10361/telemetry",
        "ups/ABCDEFGHIJ01234567890/telemetry",
        "ups/+/telemetry",
        "ups/#",
        "ups/AS1036123456/#",
        "ups/AS1036123456/+",
        "ups/AS1036123456/commands/+",
        "#",
        "+/AS1036123456/telemetry",
        "$SYS/broker/clients",
        "$SYS/AS1036123456/telemetry",
        "devices/AS1036123456/telemetry",
        "ups/AS1036123456/status",
        "ups/AS10361234-6/telemetry",
        "ups/AS1036 123456/telemetry",
        "ups/AS1036123456\u0000/telemetry",
        "ups/AS1036123456/telemetry\u0000",
        "ups/\uFF21S1036123456/telemetry"
      })
  void rejectsAnythingButExactlyOneDeviceTopic(String topic) {
    assertEquals(Optional.empty(), DeviceTopic.parse(topic));
  }

  @Test
  void rejectsNull() {
    assertEquals(Optional.empty(), DeviceTopic.parse(null));
  }

  @Test
  void rejectsAVeryLongTopic() {
    assertEquals(
        Optional.empty(), DeviceTopic.parse("ups/AS1036123456/telemetry" + "/x".repeat(50_000)));
    assertEquals(Optional.empty(), DeviceTopic.parse("ups/" + "A".repeat(100_000) + "/telemetry"));
  }

  @Test
  void devicePublishesOnlyTelemetryEventsAndCommandResults() {
    assertTrue(DeviceTopic.telemetry(SERIAL).publishableByDevice());
    assertTrue(DeviceTopic.events(SERIAL).publishableByDevice());
    assertTrue(DeviceTopic.commandResults(SERIAL).publishableByDevice());
    assertFalse(DeviceTopic.commands(SERIAL).publishableByDevice());
  }

  @Test
  void deviceSubscribesOnlyToItsCommands() {
    assertTrue(DeviceTopic.commands(SERIAL).subscribableByDevice());
    assertFalse(DeviceTopic.telemetry(SERIAL).subscribableByDevice());
    assertFalse(DeviceTopic.events(SERIAL).subscribableByDevice());
    assertFalse(DeviceTopic.commandResults(SERIAL).subscribableByDevice());
  }

  @Test
  void refusesToBuildATopicWithAnInvalidSerial() {
    assertThrows(IllegalArgumentException.class, () -> DeviceTopic.telemetry("as1036123456"));
    assertThrows(IllegalArgumentException.class, () -> DeviceTopic.commands("+"));
    assertThrows(IllegalArgumentException.class, () -> new DeviceTopic(null, Kind.EVENTS));
    assertThrows(NullPointerException.class, () -> new DeviceTopic(SERIAL, null));
  }

  @Test
  void serialsValidateTheDocumentedPattern() {
    assertTrue(Serials.isValid("AS1036123456"));
    assertTrue(Serials.isValid("3S2231X16739"));
    assertFalse(Serials.isValid(null));
    assertFalse(Serials.isValid(""));
    assertFalse(Serials.isValid("SHORT12"));
    assertFalse(Serials.isValid("AS1036123456\n"));
  }
}
