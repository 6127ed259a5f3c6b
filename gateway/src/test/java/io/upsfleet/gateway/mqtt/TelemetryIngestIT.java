package io.upsfleet.gateway.mqtt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Device payloads end to end, through a real MQTT client and a real node: RELIABILITY.md "Telemetry
 * payloads". A refused payload is acknowledged (a poison message must not be re-sent forever),
 * counted by reason, and leaves the device's live view exactly as the previous valid sample left
 * it.
 */
class TelemetryIngestIT {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration EVENT_LOG_LAG = Duration.ofSeconds(10);
  private static final Pattern SAMPLE_LINE = Pattern.compile("^(\\w+)\\{([^}]*)}\\s+(\\S+)$");
  private static final HttpClient HTTP =
      ContractHttpClient.checked(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());

  private static GatewayFixture gateway;
  private static UpsfleetClient support;
  private static String accountId;

  private final List<Mqtt3BlockingClient> clients = new ArrayList<>();
  private final AtomicLong seq = new AtomicLong(100);

  private record Device(String serial, String secret) {
    String telemetryTopic() {
      return "ups/" + serial + "/telemetry";
    }

    String eventsTopic() {
      return "ups/" + serial + "/events";
    }
  }

  @BeforeAll
  static void startGateway() {
    gateway = GatewayFixture.start("telemetry-ingest", Map.of());
    support = gateway.support();
    accountId = support.createAccount("Telemetry ingest tests").id();
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @AfterEach
  void disconnectClients() {
    for (Mqtt3BlockingClient c : clients) {
      if (c.getState().isConnected()) c.disconnect();
    }
  }

  // ------------------------------------------------------------------------------------ valid
  // samples

  @Test
  void showsAValidSampleInTheDeviceViewWithinASecond() {
    Device d = newDevice();
    Mqtt3BlockingClient c = connect(d);
    Instant ts = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant before = Instant.now();
    publish(
        c,
        d.telemetryTopic(),
        "{\"ts\":\""
            + ts
            + "\",\"seq\":42,\"ups.status\":\"OL CHRG\",\"ups.load\":23,"
            + "\"battery.charge\":100,\"input.voltage\":229.5}");

    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> support.device(d.serial()).telemetry() != null);
    Instant after = Instant.now();
    DeviceView view = support.device(d.serial());
    DeviceView.Telemetry t = view.telemetry();
    assertEquals(42, t.seq());
    assertEquals(ts, t.deviceTime());
    assertFalse(t.clockSkewed());
    assertBetween(before, after, t.receivedAt());
    assertEquals("OL CHRG", t.values().get("ups.status"));
    assertEquals(23.0, number(t.values().get("ups.load")));
    assertEquals(100.0, number(t.values().get("battery.charge")));
    assertEquals(229.5, number(t.values().get("input.voltage")));
    assertEquals(List.of("OL", "CHRG"), view.status());
    assertTrue(view.connection().online());
  }

  @ParameterizedTest(name = "device clock at {0}")
  @ValueSource(strings = {"P3D", "1970-01-01T00:00:00Z", "-P2D"})
  void acceptsASampleFromASkewedDeviceClockAndFlagsIt(String clock) {
    Device d = newDevice();
    Mqtt3BlockingClient c = connect(d);
    Instant ts =
        clock.startsWith("P") || clock.startsWith("-P")
            ? Instant.now().plus(Duration.parse(clock)).truncatedTo(ChronoUnit.SECONDS)
            : Instant.parse(clock);
    Instant before = Instant.now();
    publish(c, d.telemetryTopic(), "{\"ts\":\"" + ts + "\",\"seq\":7,\"ups.status\":\"OL\"}");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> support.device(d.serial()).telemetry() != null);
    Instant after = Instant.now();
    DeviceView.Telemetry t = support.device(d.serial()).telemetry();
    assertEquals(7, t.seq());
    assertTrue(t.clockSkewed(), "a device clock off by days is flagged");
    assertEquals(ts, t.deviceTime(), "the device's own time is kept as it was sent");
    assertBetween(before, after, t.receivedAt());
    assertTrue(
        support.device(d.serial()).connection().lastSeen().isAfter(before.minusSeconds(1)),
        "last seen follows the server's clock, not the device's");
  }

  // --------------------------------------------------------------------------------- refused
  // samples

  static Stream<Arguments> invalidSamples() {
    String ok = "\"ts\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\",\"seq\":2";
    String okStatus = ok + ",\"ups.status\":\"OL\"";
    return Stream.of(
        bad("NaN", "{" + okStatus + ",\"ups.load\":NaN}", "malformed_json"),
        bad("Infinity", "{" + okStatus + ",\"battery.runtime\":Infinity}", "malformed_json"),
        bad("-Infinity", "{" + okStatus + ",\"input.voltage\":-Infinity}", "malformed_json"),
        bad(
            "a number overflowing to infinity",
            "{" + okStatus + ",\"ups.load\":1e400}",
            "out_of_range"),
        bad("charge -5", "{" + okStatus + ",\"battery.charge\":-5}", "out_of_range"),
        bad("charge 140", "{" + okStatus + ",\"battery.charge\":140}", "out_of_range"),
        bad("load -1", "{" + okStatus + ",\"ups.load\":-1}", "out_of_range"),
        bad("voltage 10000", "{" + okStatus + ",\"input.voltage\":10000}", "out_of_range"),
        bad("temperature 500", "{" + okStatus + ",\"ups.temperature\":500}", "out_of_range"),
        bad(
            "a valid value beside an out-of-range one",
            "{" + okStatus + ",\"ups.load\":20,\"battery.charge\":140}",
            "out_of_range"),
        bad(
            "negative seq",
            "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":-1,\"ups.status\":\"OL\"}",
            "out_of_range"),
        bad("a number as a word", "{" + okStatus + ",\"ups.load\":\"ninety\"}", "wrong_type"),
        bad("a number as a numeric string", "{" + okStatus + ",\"ups.load\":\"90\"}", "wrong_type"),
        bad("a number as an array", "{" + okStatus + ",\"battery.charge\":[100]}", "wrong_type"),
        bad("a number as a boolean", "{" + okStatus + ",\"ups.load\":true}", "wrong_type"),
        bad("an optional value as null", "{" + okStatus + ",\"ups.load\":null}", "wrong_type"),
        bad("status as an array", "{" + ok + ",\"ups.status\":[\"OL\"]}", "wrong_type"),
        bad(
            "seq as a string",
            "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":\"2\",\"ups.status\":\"OL\"}",
            "wrong_type"),
        bad("status missing", "{" + ok + ",\"ups.load\":20}", "missing_field"),
        bad("status null", "{" + ok + ",\"ups.status\":null}", "missing_field"),
        bad("ts missing", "{\"seq\":2,\"ups.status\":\"OL\"}", "missing_field"),
        bad(
            "seq missing",
            "{\"ts\":\"2026-11-28T10:00:00Z\",\"ups.status\":\"OL\"}",
            "missing_field"),
        bad("an unknown status flag", "{" + ok + ",\"ups.status\":\"OL ONFIRE\"}", "invalid_value"),
        bad("a lower-case status flag", "{" + ok + ",\"ups.status\":\"ol\"}", "invalid_value"),
        bad(
            "ts not an instant",
            "{\"ts\":\"yesterday\",\"seq\":2,\"ups.status\":\"OL\"}",
            "invalid_value"),
        bad(
            "nesting 10 000 deep",
            "{" + okStatus + ",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}",
            null),
        bad(
            "objects nested 10 000 deep",
            "{" + okStatus + ",\"x\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}",
            null),
        bad("5 000 unknown fields", "{" + okStatus + unknownFields(5_000) + "}", "limit_exceeded"),
        bad(
            "a 60 000-char string",
            "{" + okStatus + ",\"ups.firmware\":\"" + "x".repeat(60_000) + "\"}",
            "limit_exceeded"),
        bad(
            "a 60 000-digit number",
            "{" + okStatus + ",\"ups.load\":" + "1".repeat(60_000) + "}",
            "limit_exceeded"),
        bad(
            "a duplicate key",
            "{" + okStatus + ",\"ups.load\":20,\"ups.load\":30}",
            "malformed_json"),
        bad("trailing garbage", "{" + okStatus + "}xyz", "malformed_json"),
        bad("a second JSON value", "{" + okStatus + "}{}", "malformed_json"),
        bad("truncated JSON", "{" + okStatus, "malformed_json"),
        bad("an array root", "[{" + okStatus + "}]", "not_an_object"),
        bad("a string root", "\"OL\"", "not_an_object"),
        Arguments.of("an empty payload", new byte[0], "empty"),
        bad("only whitespace", " \n\t ", "empty"),
        Arguments.of(
            "a byte order mark",
            concat(
                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                ("{" + okStatus + "}").getBytes(UTF_8)),
            "invalid_encoding"),
        Arguments.of(
            "invalid UTF-8",
            withRawBytes("{" + okStatus + ",\"ups.model\":\"", new byte[] {(byte) 0xC3, 0x28}),
            "invalid_encoding"),
        Arguments.of(
            "overlong UTF-8",
            withRawBytes(
                "{" + okStatus + ",\"ups.model\":\"", new byte[] {(byte) 0xC0, (byte) 0xAF}),
            "invalid_encoding"),
        Arguments.of(
            "an encoded surrogate",
            withRawBytes(
                "{" + okStatus + ",\"ups.model\":\"",
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
            "invalid_encoding"),
        Arguments.of("UTF-16", ("{" + okStatus + "}").getBytes(StandardCharsets.UTF_16LE), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSamples")
  void acknowledgesAnInvalidSampleButKeepsThePreviousOne(
      String name, byte[] payload, String reason) {
    Device d = newDevice();
    Mqtt3BlockingClient c = connect(d);
    DeviceView.Telemetry previous = publishValidSample(c, d);
    double before = rejected(reason);

    publish(c, d.telemetryTopic(), payload); // returns on PUBACK

    barrier(c, d);
    assertEquals(
        previous,
        support.device(d.serial()).telemetry(),
        "the live view is the previous valid sample");
    assertTrue(
        rejected(reason) >= before + 1,
        "mqtt_rejected_payloads_total{reason="
            + (reason == null ? "any" : reason)
            + "} counted it");
    assertTrue(c.getState().isConnected(), "a refused payload does not cost the connection");
  }

  /**
   * A packet over the 64 KiB limit is not a payload to refuse: the connection is closed from its
   * header.
   */
  @Test
  void closesTheConnectionOnASampleWithAOneMegabyteString() {
    Device d = newDevice();
    Mqtt3BlockingClient c = connect(d);
    DeviceView.Telemetry previous = publishValidSample(c, d);
    double before = metric("mqtt_disconnects_total", "malformed_packet");

    String huge =
        "{\"ts\":\""
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + "\",\"seq\":3,\"ups.status\":\"OB\","
            + "\"ups.firmware\":\""
            + "x".repeat(1 << 20)
            + "\"}";
    var ack =
        c.toAsync()
            .publishWith()
            .topic(d.telemetryTopic())
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload(huge.getBytes(UTF_8))
            .send();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> ack.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
            "no PUBACK: the connection is closed");
    assertNotNull(e.getCause());

    await().atMost(Duration.ofSeconds(5)).until(() -> !c.getState().isConnected());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !support.device(d.serial()).connection().online());
    assertTrue(metric("mqtt_disconnects_total", "malformed_packet") >= before + 1);
    assertEquals(previous, support.device(d.serial()).telemetry());
    assertEquals(
        List.of(), eventTypes(d.serial()), "the OB in the oversized sample raised nothing");
  }

  /**
   * {@code TelemetryParser} leaves comparing {@code ups.serial} with the topic to the translator.
   */
  @Test
  void refusesASampleWhoseUpsSerialNamesAnotherDevice() {
    Device d = newDevice();
    Device other = newDevice();
    Mqtt3BlockingClient c = connect(d);
    DeviceView.Telemetry previous = publishValidSample(c, d);
    double before = rejected(null);

    publish(
        c,
        d.telemetryTopic(),
        "{\"ts\":\""
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + "\",\"seq\":"
            + seq.incrementAndGet()
            + ",\"ups.status\":\"OL\",\"ups.serial\":\""
            + other.serial()
            + "\"}");

    barrier(c, d);
    assertEquals(
        previous,
        support.device(d.serial()).telemetry(),
        "a sample claiming to come from " + other.serial() + " is not " + d.serial() + "'s state");
    assertTrue(rejected(null) >= before + 1, "the refusal is counted");
  }

  // ------------------------------------------------------------------------------- derived events

  @Test
  void raisesOnBatteryThenPowerRestoredWhenTheStatusChanges() {
    Device d = newDevice();
    Mqtt3BlockingClient c = connect(d);
    publish(c, d.telemetryTopic(), sample(1, "OL CHRG"));
    publish(c, d.telemetryTopic(), sample(2, "OB DISCHRG"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> support.device(d.serial()).status().equals(List.of("OB", "DISCHRG")));
    assertEquals("ON_BATTERY", support.device(d.serial()).health());
    publish(c, d.telemetryTopic(), sample(3, "OL CHRG"));

    await().atMost(EVENT_LOG_LAG).until(() -> eventsOldestFirst(d.serial()).size() >= 2);
    List<DeviceEventView> events = eventsOldestFirst(d.serial());
    assertEquals(
        List.of("ON_BATTERY", "POWER_RESTORED"),
        events.stream().map(DeviceEventView::type).toList());
    assertEquals("WARNING", events.get(0).severity());
    assertEquals("OK", support.device(d.serial()).health());
  }

  // ---------------------------------------------------------------------------------- device
  // events

  @Test
  void logsAReportedEventOnceItIsAcknowledged() {
    Device d = newDevice();
    Mqtt3BlockingClient c = connect(d);
    Instant ts = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    publish(
        c,
        d.eventsTopic(),
        "{\"ts\":\""
            + ts
            + "\",\"seq\":5,\"type\":\"SELF_TEST_FAILED\","
            + "\"details\":{\"code\":\"E12\",\"retries\":2,\"battery\":false}}");

    await().atMost(EVENT_LOG_LAG).until(() -> !eventTypes(d.serial()).isEmpty());
    List<DeviceEventView> events = support.events(d.serial(), Map.of()).items();
    assertEquals(1, events.size(), events.toString());
    DeviceEventView e = events.get(0);
    assertEquals("SELF_TEST_FAILED", e.type());
    assertEquals("WARNING", e.severity());
    assertEquals(ts, e.deviceTime());
    assertEquals(Map.of("code", "E12", "retries", "2", "battery", "false"), e.details());
  }

  @ParameterizedTest
  @ValueSource(strings = {"PLAN_EXPIRED", "ON_BATTERY", "CONNECTION_LOST"})
  void acknowledgesButNeverLogsAnEventTypeTheGatewayDerives(String type) {
    Device d = newDevice();
    Mqtt3BlockingClient c = connect(d);
    double before = rejected("not_reportable");

    publish(c, d.eventsTopic(), event(seq.incrementAndGet(), type));
    assertTrue(rejected("not_reportable") >= before + 1);

    // A later event is logged; the event log keeps each device's order, so the refused one would be
    // there.
    publish(c, d.eventsTopic(), event(seq.incrementAndGet(), "SELF_TEST_PASSED"));
    await().atMost(EVENT_LOG_LAG).until(() -> eventTypes(d.serial()).contains("SELF_TEST_PASSED"));
    assertEquals(List.of("SELF_TEST_PASSED"), eventTypes(d.serial()));
  }

  @Test
  void acknowledgesButNeverLogsAMalformedEvent() {
    Device d = newDevice();
    Mqtt3BlockingClient c = connect(d);
    double before = rejected(null);
    publish(
        c,
        d.eventsTopic(),
        "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":1,\"type\":\"SELF_TEST_FAILED\",\"details\":null}");
    publish(
        c,
        d.eventsTopic(),
        "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":2,\"type\":\"self_test_failed\"}");
    publish(
        c,
        d.eventsTopic(),
        "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":3,\"type\":\"SELF_TEST_FAILED\","
            + "\"details\":{\"a\":{\"b\":1}}}");
    assertTrue(rejected(null) >= before + 3);

    publish(c, d.eventsTopic(), event(seq.incrementAndGet(), "SELF_TEST_PASSED"));
    await().atMost(EVENT_LOG_LAG).until(() -> eventTypes(d.serial()).contains("SELF_TEST_PASSED"));
    assertEquals(List.of("SELF_TEST_PASSED"), eventTypes(d.serial()));
  }

  // ----------------------------------------------------------------------------------------
  // helpers

  private static Arguments bad(String name, String payload, String reason) {
    return Arguments.of(name, payload.getBytes(UTF_8), reason);
  }

  private static String unknownFields(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(",\"k").append(i).append("\":0");
    return sb.toString();
  }

  /** {@code prefix}, then {@code raw} (not UTF-8), then the end of a sample. */
  private static byte[] withRawBytes(String prefix, byte[] raw) {
    return concat(prefix.getBytes(UTF_8), raw, "\"}".getBytes(UTF_8));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) b.writeBytes(p);
    return b.toByteArray();
  }

  private static Device newDevice() {
    String serial = GatewayFixture.uniqueSerial();
    return new Device(serial, support.registerDevice(serial, "SMT1500", accountId).secret());
  }

  private Mqtt3BlockingClient connect(Device d) {
    Mqtt3BlockingClient c =
        Mqtt3Client.builder()
            .identifier(d.serial())
            .serverHost("127.0.0.1")
            .serverPort(gateway.mqttPort())
            .simpleAuth()
            .username(d.serial())
            .password(d.secret().getBytes(UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    c.connect();
    clients.add(c);
    return c;
  }

  /** Publishes at QoS 1 and returns once the PUBACK arrived (bounded). */
  private static void publish(Mqtt3BlockingClient c, String topic, byte[] payload) {
    try {
      c.toAsync()
          .publishWith()
          .topic(topic)
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(payload)
          .send()
          .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("no PUBACK for a publish on " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void publish(Mqtt3BlockingClient c, String topic, String payload) {
    publish(c, topic, payload.getBytes(UTF_8));
  }

  /** Publishes a valid sample and waits until it is the device's live view, which it returns. */
  private DeviceView.Telemetry publishValidSample(Mqtt3BlockingClient c, Device d) {
    long n = seq.incrementAndGet();
    publish(
        c,
        d.telemetryTopic(),
        "{\"ts\":\""
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + "\",\"seq\":"
            + n
            + ",\"ups.status\":\"OL CHRG\",\"ups.load\":23,\"battery.charge\":100,\"ups.firmware\":\"1.2.3\"}");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              DeviceView.Telemetry t = support.device(d.serial()).telemetry();
              return t != null && t.seq() == n;
            });
    return support.device(d.serial()).telemetry();
  }

  /**
   * Publishes a device event and waits for its PUBACK, which comes only once the device's entity
   * persisted it: everything the edge told the entity before has then been handled too.
   */
  private void barrier(Mqtt3BlockingClient c, Device d) {
    publish(c, d.eventsTopic(), event(seq.incrementAndGet(), "SELF_TEST_PASSED"));
  }

  private static String sample(long n, String status) {
    return "{\"ts\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\",\"seq\":"
        + n
        + ",\"ups.status\":\""
        + status
        + "\",\"ups.load\":23,\"battery.charge\":100}";
  }

  private static String event(long n, String type) {
    return "{\"ts\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\",\"seq\":"
        + n
        + ",\"type\":\""
        + type
        + "\",\"details\":{}}";
  }

  private static List<String> eventTypes(String serial) {
    return support.events(serial, Map.of()).items().stream().map(DeviceEventView::type).toList();
  }

  private static List<DeviceEventView> eventsOldestFirst(String serial) {
    return support.events(serial, Map.of()).items().stream()
        .sorted(
            Comparator.comparing(DeviceEventView::occurredAt).thenComparing(DeviceEventView::id))
        .toList();
  }

  private static double number(Object value) {
    assertTrue(value instanceof Number, "a number, not " + value);
    return ((Number) value).doubleValue();
  }

  private static void assertBetween(Instant from, Instant to, Instant actual) {
    // the node runs in this JVM: same clock, so only rounding to the millisecond separates them
    assertFalse(
        actual.isBefore(from.minusMillis(1)) || actual.isAfter(to.plusMillis(1)),
        actual + " is not the server's receive time, between " + from + " and " + to);
  }

  /** {@code mqtt_rejected_payloads_total} for one reason, or summed over all reasons when null. */
  private static double rejected(String reason) {
    return reason == null
        ? metric("mqtt_rejected_payloads_total", null)
        : metric("mqtt_rejected_payloads_total", reason);
  }

  /**
   * The sum of the samples of a Prometheus counter whose {@code reason} label is {@code reason}
   * (any when null).
   */
  private static double metric(String name, String reason) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(gateway.httpBase().resolve("/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      double sum = 0;
      for (String line : r.body().split("\n")) {
        Matcher m = SAMPLE_LINE.matcher(line.trim());
        if (m.matches()
            && m.group(1).equals(name)
            && (reason == null || m.group(2).contains("reason=\"" + reason + "\""))) {
          sum += Double.parseDouble(m.group(3));
        }
      }
      return sum;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
