package io.upsfleet.gateway.mqtt;

import static io.upsfleet.gateway.mqtt.RawMqtt.concat;
import static io.upsfleet.gateway.mqtt.RawMqtt.connect;
import static io.upsfleet.gateway.mqtt.RawMqtt.packet;
import static io.upsfleet.gateway.mqtt.RawMqtt.pingreq;
import static io.upsfleet.gateway.mqtt.RawMqtt.publish;
import static io.upsfleet.gateway.mqtt.RawMqtt.string;
import static io.upsfleet.gateway.mqtt.RawMqtt.subscribe;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MQTT edge against hand-built MQTT 3.1.1 bytes on raw sockets: the rows of RELIABILITY.md
 * "MQTT protocol", on a real node with a short connect timeout and a known refusal delay. After
 * every test a fresh, valid device must still connect ({@link #serverStillServesAFreshDevice()}).
 */
class MqttProtocolIT {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration REFUSAL_DELAY = Duration.ofMillis(300);

  /** The smallest maximum the settings allow, so that clamping can be watched in a test. */
  private static final Duration MAX_KEEP_ALIVE = Duration.ofSeconds(10);

  /** How long a close may take to be observed when it should be immediate. */
  private static final Duration PROMPTLY = Duration.ofSeconds(3);

  private static final Pattern SAMPLE_LINE = Pattern.compile("^(\\w+)\\{([^}]*)}\\s+(\\S+)$");
  private static final HttpClient HTTP =
      ContractHttpClient.checked(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());

  private static GatewayFixture gateway;
  private static UpsfleetClient support;
  private static String accountId;
  private static int port;

  private record Device(String serial, String secret) {
    String topic(String kind) {
      return "ups/" + serial + "/" + kind;
    }
  }

  @BeforeAll
  static void startGateway() {
    gateway =
        GatewayFixture.start(
            "mqtt-protocol",
            Map.of(
                "upsfleet.gateway.mqtt.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms",
                "upsfleet.gateway.mqtt.refusal-delay", REFUSAL_DELAY.toMillis() + "ms",
                "upsfleet.gateway.mqtt.max-keep-alive", MAX_KEEP_ALIVE.toSeconds() + "s"));
    support = gateway.support();
    accountId = support.createAccount("MQTT protocol tests").id();
    port = gateway.mqttPort();
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @AfterEach
  void serverStillServesAFreshDevice() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(pingreq());
      assertEquals(
          RawMqtt.PINGRESP, c.read().type(), "a valid device is served after the previous test");
      c.send(RawMqtt.disconnect());
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
  }

  // ------------------------------------------------------------------------------- framing and
  // size

  @Test
  void closesAConnectWhoseRemainingLengthTakesFiveBytes() throws IOException {
    double before = disconnects("malformed_packet");
    try (RawMqtt c = RawMqtt.open(port)) {
      // 5 as a non-minimal five-byte encoding: small, but no valid packet has a fifth length byte
      c.send(
          new byte[] {
            0x10, (byte) 0x85, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00, 0, 0, 0, 0, 0
          });
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    awaitDisconnects("malformed_packet", before + 1);
  }

  @Test
  void closesAPublishWhoseRemainingLengthTakesFiveBytes() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(
          new byte[] {
            0x30, (byte) 0x85, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00, 0, 1, 'a', '{', '}'
          });
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
  }

  /**
   * A CONNECT declaring 256 MB, whose bytes then trickle in: the fixed header alone shows it is
   * over the limit, so the connection must close before the trickle could matter (and before the
   * connect timeout would close it anyway).
   */
  @Test
  void closesAnOversizedConnectAsSoonAsItsFixedHeaderIsRead() throws IOException {
    try (RawMqtt c = RawMqtt.open(port)) {
      byte[] body =
          concat(
              RawMqtt.connectHeader("MQTT", 4, RawMqtt.DEVICE_FLAGS, 60), string("TS0000000000"));
      Duration closedAfter =
          trickleUntilClosed(
              c,
              new byte[] {0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F},
              body,
              Duration.ofMillis(100),
              Duration.ofSeconds(3));
      assertTrue(
          closedAfter.compareTo(Duration.ofMillis(700)) < 0,
          "an oversized CONNECT must be closed from its fixed header, before the 1 s connect timeout; closed after "
              + closedAfter.toMillis()
              + " ms");
    }
  }

  /**
   * A PUBLISH declaring 256 MB (limit 64 KiB), whose bytes then trickle in at 10 per second: closed
   * long before the declared bytes (or even its topic) could arrive.
   */
  @Test
  void closesAnOversizedPublishAsSoonAsItsFixedHeaderIsRead() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      byte[] body =
          concat(string(d.topic("telemetry")), new byte[] {0, 1}, "{\"ts\":\"".getBytes());
      Duration closedAfter =
          trickleUntilClosed(
              c,
              new byte[] {0x32, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F},
              body,
              Duration.ofMillis(100),
              Duration.ofSeconds(8));
      assertTrue(
          closedAfter.compareTo(Duration.ofSeconds(2)) < 0,
          "an oversized PUBLISH must be closed from its fixed header; closed after "
              + closedAfter.toMillis()
              + " ms");
    }
  }

  // ------------------------------------------------------------------------------------------
  // CONNECT

  @Test
  void closesWithoutConnackWhenTheProtocolNameIsNotMqtt() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.open(port)) {
      c.send(connect("MQTX", 4, RawMqtt.DEVICE_FLAGS, 60, d.serial(), d.serial(), d.secret()));
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
  }

  @Test
  void refusesMqtt31WithUnacceptableProtocolVersionThenCloses() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.open(port)) {
      c.send(connect("MQIsdp", 3, RawMqtt.DEVICE_FLAGS, 60, d.serial(), d.serial(), d.secret()));
      assertArrayEquals(
          new byte[] {0x20, 0x02, 0x00, 0x01},
          c.awaitClosed(PROMPTLY),
          "CONNACK 0x01 (unacceptable protocol version), then close");
    }
  }

  @Test
  void refusesMqtt5WithA311ConnackUnacceptableProtocolVersionThenCloses() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.open(port)) {
      // MQTT 5 puts a properties length (here 0) after the keep-alive.
      byte[] body =
          concat(
              RawMqtt.connectHeader("MQTT", 5, RawMqtt.DEVICE_FLAGS, 60),
              new byte[] {0},
              string(d.serial()),
              string(d.serial()),
              string(d.secret()));
      c.send(packet(RawMqtt.CONNECT, body));
      assertArrayEquals(
          new byte[] {0x20, 0x02, 0x00, 0x01},
          c.awaitClosed(PROMPTLY),
          "a 3.1.1-form CONNACK 0x01 (unacceptable protocol version), then close");
    }
  }

  static Stream<Arguments> packetsOtherThanConnect() {
    return Stream.of(
        Arguments.of("PINGREQ", pingreq()),
        Arguments.of("PUBLISH", publish(0, "ups/TS0000000001/telemetry", 0, "{}")),
        Arguments.of("SUBSCRIBE", subscribe(1, "ups/TS0000000001/commands")),
        Arguments.of("DISCONNECT", RawMqtt.disconnect()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("packetsOtherThanConnect")
  void closesWithoutResponseWhenTheFirstPacketIsNotConnect(String name, byte[] first)
      throws IOException {
    try (RawMqtt c = RawMqtt.open(port)) {
      c.send(first);
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
  }

  static Stream<Arguments> inconsistentConnectFlags() {
    return Stream.of(
        Arguments.of("password without user name", 0x40 | 0x02, new String[] {"%s", null, "%p"}),
        Arguments.of(
            "will QoS without will flag",
            RawMqtt.DEVICE_FLAGS | 0x08,
            new String[] {"%s", "%s", "%p"}),
        Arguments.of(
            "will retain without will flag",
            RawMqtt.DEVICE_FLAGS | 0x20,
            new String[] {"%s", "%s", "%p"}),
        Arguments.of(
            "reserved bit set", RawMqtt.DEVICE_FLAGS | 0x01, new String[] {"%s", "%s", "%p"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inconsistentConnectFlags")
  void closesWithoutConnackWhenConnectFlagsContradictTheFields(
      String name, int flags, String[] fields) throws IOException {
    Device d = newDevice();
    String[] payload =
        Stream.of(fields)
            .map(f -> f == null ? null : f.replace("%s", d.serial()).replace("%p", d.secret()))
            .toArray(String[]::new);
    try (RawMqtt c = RawMqtt.open(port)) {
      c.send(connect("MQTT", 4, flags, 60, payload));
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    assertFalse(support.device(d.serial()).connection().online(), "no session was opened");
  }

  @Test
  void refusesAnEmptyClientIdWithIdentifierRejected() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.open(port)) {
      assertEquals(0x02, refusal(c, connect("", d.serial(), d.secret(), 60)).code());
    }
  }

  @Test
  void refusesAClientIdOtherThanTheUserNameAsNotAuthorized() throws IOException {
    Device me = newDevice();
    Device other = newDevice();
    try (RawMqtt c = RawMqtt.open(port)) {
      assertEquals(0x05, refusal(c, connect(other.serial(), me.serial(), me.secret(), 60)).code());
    }
    assertFalse(support.device(other.serial()).connection().online());
    assertFalse(support.device(me.serial()).connection().online());
  }

  @Test
  void refusesAWrongPasswordAndAnUnknownSerialAlikeAfterTheRefusalDelay() throws IOException {
    Device known = newDevice();
    String unknown = GatewayFixture.uniqueSerial();
    List<Long> knownMillis = new ArrayList<>();
    List<Long> unknownMillis = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (RawMqtt c = RawMqtt.open(port)) {
        Refusal r = refusal(c, connect(known.serial(), known.serial(), "not-the-secret-" + i, 60));
        assertEquals(0x04, r.code(), "wrong password: bad user name or password");
        knownMillis.add(r.took().toMillis());
      }
      try (RawMqtt c = RawMqtt.open(port)) {
        Refusal r = refusal(c, connect(unknown, unknown, "some-secret-" + i, 60));
        assertEquals(0x04, r.code(), "unknown serial: the same answer as a wrong password");
        unknownMillis.add(r.took().toMillis());
      }
    }
    for (long ms : concatLists(knownMillis, unknownMillis)) {
      assertTrue(
          ms >= REFUSAL_DELAY.toMillis() - 20,
          "every refusal waits the refusal delay; took " + ms + " ms");
    }
    long diff = Math.abs(median(knownMillis) - median(unknownMillis));
    assertTrue(
        diff < 250,
        "known " + knownMillis + " vs unknown " + unknownMillis + " ms: timing tells them apart");
  }

  /** The ways a well-formed CONNECT is refused; RELIABILITY.md wants every one audited. */
  enum RefusedConnect {
    EMPTY_CLIENT_ID,
    CLIENT_ID_OF_ANOTHER_DEVICE,
    WRONG_PASSWORD,
    UNKNOWN_SERIAL
  }

  @ParameterizedTest
  @EnumSource(RefusedConnect.class)
  void auditsARefusedConnect(RefusedConnect kind) throws IOException {
    Device me = newDevice();
    Device other = newDevice();
    String unknown = GatewayFixture.uniqueSerial();
    byte[] connect =
        switch (kind) {
          case EMPTY_CLIENT_ID -> connect("", me.serial(), me.secret(), 60);
          case CLIENT_ID_OF_ANOTHER_DEVICE -> connect(other.serial(), me.serial(), me.secret(), 60);
          case WRONG_PASSWORD -> connect(me.serial(), me.serial(), "not-the-secret", 60);
          case UNKNOWN_SERIAL -> connect(unknown, unknown, "some-secret", 60);
        };
    try (RawMqtt c = RawMqtt.open(port)) {
      assertTrue(refusal(c, connect).code() != 0);
    }
    List<String> named =
        kind == RefusedConnect.UNKNOWN_SERIAL
            ? List.of(unknown)
            : List.of(me.serial(), other.serial());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertTrue(
                    named.stream()
                        .flatMap(s -> mqttAudit(s).stream())
                        .anyMatch(r -> r.startsWith("mqtt.connect ") && !r.endsWith(" OK")),
                    "no mqtt.connect audit record for a refused CONNECT (" + kind + ")"));
  }

  @Test
  void closesAConnectionThatSendsNoConnectWithinTheConnectTimeout() throws IOException {
    double before = disconnects("connect_timeout");
    try (RawMqtt c = RawMqtt.open(port)) {
      long start = System.nanoTime();
      c.awaitClosedWithoutResponse(CONNECT_TIMEOUT.plusSeconds(3));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(
          ms >= CONNECT_TIMEOUT.toMillis() - 100,
          "closed after " + ms + " ms, before the connect timeout");
    }
    awaitDisconnects("connect_timeout", before + 1);
  }

  @Test
  void closesAConnectionStuckInsideItsConnectAtTheConnectTimeout() throws IOException {
    try (RawMqtt c = RawMqtt.open(port)) {
      c.send(new byte[] {0x10, 0x20, 0x00, 0x04, 'M'}); // a CONNECT that never completes
      long start = System.nanoTime();
      c.awaitClosedWithoutResponse(CONNECT_TIMEOUT.plusSeconds(3));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms < CONNECT_TIMEOUT.toMillis() + 1500, "closed after " + ms + " ms");
    }
  }

  // ---------------------------------------------------------------------------------------
  // keep-alive

  @Test
  void answersPingreqWithPingresp() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      for (int i = 0; i < 3; i++) {
        c.send(pingreq());
        RawMqtt.Packet p = c.read();
        assertEquals(RawMqtt.PINGRESP, p.type());
        assertEquals(0, p.body().length);
      }
    }
  }

  @Test
  void closesASilentConnectionAfterOneAndAHalfKeepAlivePeriods() throws IOException {
    Device d = newDevice();
    double before = disconnects("keep_alive_timeout");
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 2)) {
      long start = System.nanoTime();
      c.awaitClosedWithoutResponse(Duration.ofSeconds(6));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(
          ms >= 2500 && ms <= 4500,
          "keep-alive 2 s: expected a close at about 3 s, was " + ms + " ms");
    }
    awaitDisconnects("keep_alive_timeout", before + 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !support.device(d.serial()).connection().online());
    // the fixture's offline grace is 2 s
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> support.device(d.serial()).connection().connectionLost());
  }

  /**
   * Keep-alive 0 (none) and anything above {@code max-keep-alive} get the maximum: 10 s here, a
   * close at 15 s.
   */
  @Test
  void clampsKeepAliveZeroAndAbsurdlyLargeRequestsToTheMaximum() throws IOException {
    Device none = newDevice();
    Device huge = newDevice();
    try (RawMqtt a = RawMqtt.connected(port, none.serial(), none.secret(), 0);
        RawMqtt b = RawMqtt.connected(port, huge.serial(), huge.secret(), 65_535)) {
      long start = System.nanoTime();
      long expected = MAX_KEEP_ALIVE.toMillis() * 3 / 2;
      for (RawMqtt c : List.of(a, b)) {
        c.awaitClosedWithoutResponse(Duration.ofMillis(expected + 3000));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(
            ms >= expected - 500 && ms <= expected + 2500,
            "expected a close at about " + expected + " ms, was " + ms + " ms");
      }
    }
  }

  @Test
  void keepsAConnectionThatPingsWithinItsKeepAlive() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 2)) {
      long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < end) {
        c.send(pingreq());
        assertEquals(RawMqtt.PINGRESP, c.read().type());
        assertFalse(
            c.isClosedWithin(Duration.ofSeconds(1)),
            "closed although the device pings every second");
      }
    }
  }

  // ----------------------------------------------------------------------------- packets after
  // CONNECT

  static Stream<Arguments> serverOnlyPackets() {
    return Stream.of(
        Arguments.of("CONNACK", new byte[] {0x20, 0x02, 0x00, 0x00}),
        Arguments.of("SUBACK", new byte[] {(byte) 0x90, 0x03, 0x00, 0x01, 0x01}),
        Arguments.of("PINGRESP", new byte[] {(byte) 0xD0, 0x00}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serverOnlyPackets")
  void closesWhenAClientSendsAServerOnlyPacket(String name, byte[] packet) throws IOException {
    Device d = newDevice();
    double before = disconnects("protocol_violation");
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(packet);
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    awaitDisconnects("protocol_violation", before + 1);
  }

  @Test
  void closesASecondConnectAndEndsTheFirstSession() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> support.device(d.serial()).connection().online());
      c.send(connect(d.serial(), d.serial(), d.secret(), 60));
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !support.device(d.serial()).connection().online());
  }

  @Test
  void closesAPublishWithQos2() throws IOException {
    Device d = newDevice();
    double before = disconnects("unsupported_qos");
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(publish(2, d.topic("telemetry"), 7, sample(1, "OL")));
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    awaitDisconnects("unsupported_qos", before + 1);
    assertNull(support.device(d.serial()).telemetry(), "nothing of a QoS 2 publish is kept");
  }

  @Test
  void closesAPublishWithBothQosBitsSet() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(publish(3, d.topic("telemetry"), 7, sample(1, "OL")));
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    assertNull(support.device(d.serial()).telemetry());
  }

  @Test
  void closesAPublishWithAnEmptyTopic() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(publish(1, "", 7, sample(1, "OL")));
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    assertNull(support.device(d.serial()).telemetry());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ups/+/telemetry", "ups/%s/#", "#", "ups/%s/+"})
  void closesAPublishWithWildcardsInTheTopic(String topic) throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(publish(1, topic.replace("%s", d.serial()), 7, sample(1, "OL")));
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    assertNull(support.device(d.serial()).telemetry());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$SYS/broker/uptime",
        "$SYS/%s/telemetry",
        "ups/%s/commands",
        "ups/%s/status",
        "ups/%s/telemetry/",
        "UPS/%s/telemetry"
      })
  void closesAPublishOutsideTheDevicesOwnPublishTopics(String topic) throws IOException {
    Device d = newDevice();
    String name = topic.replace("%s", d.serial());
    double before = disconnects("topic_not_allowed");
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(publish(1, name, 7, sample(1, "OL")));
      c.awaitClosedWithoutResponse(PROMPTLY);
    }
    awaitDisconnects("topic_not_allowed", before + 1);
    assertNull(support.device(d.serial()).telemetry());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertEquals(List.of("mqtt.publish " + name + " DENIED"), mqttAudit(d.serial())));
  }

  @Test
  void closesAPublishToAnotherDevicesTopicsAndLeavesThatDeviceUnchanged() throws IOException {
    Device victim = newDevice();
    Device intruder = newDevice();
    try (RawMqtt v = RawMqtt.connected(port, victim.serial(), victim.secret(), 60)) {
      v.send(publish(1, victim.topic("telemetry"), 1, sample(1, "OL CHRG")));
      assertEquals(RawMqtt.PUBACK, v.read().type());
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> support.device(victim.serial()).telemetry() != null);
      DeviceView.Telemetry victimBefore = support.device(victim.serial()).telemetry();

      double before = disconnects("topic_not_allowed");
      try (RawMqtt i = RawMqtt.connected(port, intruder.serial(), intruder.secret(), 60)) {
        i.send(publish(1, victim.topic("telemetry"), 1, sample(2, "OB DISCHRG")));
        i.awaitClosedWithoutResponse(PROMPTLY);
      }
      try (RawMqtt i = RawMqtt.connected(port, intruder.serial(), intruder.secret(), 60)) {
        i.send(publish(1, victim.topic("events"), 2, event(3, "SELF_TEST_FAILED")));
        i.awaitClosedWithoutResponse(PROMPTLY);
      }
      awaitDisconnects("topic_not_allowed", before + 2);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertEquals(
                      List.of(
                          "mqtt.publish " + victim.topic("telemetry") + " DENIED",
                          "mqtt.publish " + victim.topic("events") + " DENIED"),
                      mqttAudit(intruder.serial()),
                      "each attempt is in the audit log"));

      // The victim's own event, acknowledged after persistence, orders everything sent to it
      // before.
      v.send(publish(1, victim.topic("events"), 2, event(4, "SELF_TEST_PASSED")));
      RawMqtt.Packet ack = v.read();
      assertEquals(RawMqtt.PUBACK, ack.type());
      assertEquals(2, ack.packetId());
      await().atMost(Duration.ofSeconds(10)).until(() -> !eventTypes(victim.serial()).isEmpty());
      assertEquals(
          List.of("SELF_TEST_PASSED"), eventTypes(victim.serial()), "only the victim's own event");
      DeviceView victimAfter = support.device(victim.serial());
      assertEquals(victimBefore, victimAfter.telemetry(), "the victim's live view is unchanged");
      assertEquals(List.of("OL", "CHRG"), victimAfter.status());
      assertNull(
          support.device(intruder.serial()).telemetry(),
          "nothing was recorded on the intruder either");
      assertEquals(List.of(), eventTypes(intruder.serial()));
    }
  }

  @Test
  void grantsOnlyTheOwnCommandTopicAndAnswersOtherSubscriptionsWithFailure() throws IOException {
    Device me = newDevice();
    Device other = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, me.serial(), me.secret(), 60)) {
      c.send(
          subscribe(
              0x0102,
              other.topic("commands"),
              "#",
              "$SYS/#",
              "ups/+/commands",
              me.topic("telemetry"),
              me.topic("commands")));
      RawMqtt.Packet ack = c.read();
      assertEquals(RawMqtt.SUBACK, ack.type());
      assertEquals(0x0102, ack.packetId());
      byte[] codes = Arrays.copyOfRange(ack.body(), 2, ack.body().length);
      assertArrayEquals(
          new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01},
          codes,
          "failure for every filter but the device's own command topic (granted QoS 1)");
      c.send(pingreq());
      assertEquals(
          RawMqtt.PINGRESP,
          c.read().type(),
          "a refused subscription does not close the connection");
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertEquals(
                    1,
                    mqttAudit(me.serial()).stream()
                        .filter(r -> r.startsWith("mqtt.subscribe ") && r.endsWith(" DENIED"))
                        .count(),
                    "one audit record for the refused packet (it lists the filters): "
                        + mqttAudit(me.serial())));
  }

  // ------------------------------------------------------------------------------------------
  // PUBACKs

  @Test
  void acknowledgesAQos1TelemetryPublishWithItsPacketId() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      c.send(publish(1, d.topic("telemetry"), 0xBEEF, sample(42, "OL CHRG")));
      RawMqtt.Packet ack = c.read();
      assertEquals(RawMqtt.PUBACK, ack.type());
      assertEquals(2, ack.body().length);
      assertEquals(0xBEEF, ack.packetId());
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> support.device(d.serial()).telemetry() != null);
    assertEquals(42, support.device(d.serial()).telemetry().seq());
  }

  @Test
  void acknowledgesPipelinedQos1PublishesInTheirOrder() throws IOException {
    Device d = newDevice();
    try (RawMqtt c = RawMqtt.connected(port, d.serial(), d.secret(), 60)) {
      List<byte[]> packets = new ArrayList<>();
      List<Integer> ids = new ArrayList<>();
      for (int i = 1; i <= 12; i++) {
        int id = 1000 + i;
        ids.add(id);
        packets.add(
            i % 3 == 1
                ? publish(1, d.topic("events"), id, event(i, "SELF_TEST_PASSED"))
                : publish(1, d.topic("telemetry"), id, sample(i, "OL")));
      }
      c.send(packets.toArray(byte[][]::new)); // all in flight at once
      List<Integer> acked = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        RawMqtt.Packet p = c.read();
        assertEquals(RawMqtt.PUBACK, p.type(), "got " + p);
        acked.add(p.packetId());
      }
      assertEquals(ids, acked);
    }
  }

  // ----------------------------------------------------------------------------------------
  // helpers

  private static Device newDevice() {
    String serial = GatewayFixture.uniqueSerial();
    return new Device(serial, support.registerDevice(serial, "SMT1500", accountId).secret());
  }

  private record Refusal(int code, Duration took) {}

  /**
   * Sends a CONNECT that must be refused: returns the CONNACK code and how long it took; expects a
   * close.
   */
  private static Refusal refusal(RawMqtt c, byte[] connect) throws IOException {
    long start = System.nanoTime();
    c.send(connect);
    RawMqtt.Packet ack = c.read();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(RawMqtt.CONNACK, ack.type(), "got " + ack);
    assertEquals(0, ack.body()[0], "no session present");
    c.awaitClosedWithoutResponse(PROMPTLY);
    return new Refusal(ack.returnCode(), took);
  }

  /**
   * Sends {@code header}, then {@code body} one byte per {@code pace} (pacing a slow client, not
   * waiting for a condition), and returns how long after the header the server closed the
   * connection.
   */
  private static Duration trickleUntilClosed(
      RawMqtt c, byte[] header, byte[] body, Duration pace, Duration max) throws IOException {
    c.send(header);
    long start = System.nanoTime();
    for (int i = 0; ; i++) {
      if (c.isClosedWithin(pace)) return Duration.ofNanos(System.nanoTime() - start);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (elapsed.compareTo(max) > 0) {
        throw new AssertionError(
            "still open " + elapsed.toMillis() + " ms after an oversized fixed header");
      }
      try {
        c.send(new byte[] {i < body.length ? body[i] : (byte) 'x'});
      } catch (IOException e) {
        return Duration.ofNanos(System.nanoTime() - start); // the server closed it
      }
    }
  }

  static String sample(long seq, String status) {
    return "{\"ts\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\",\"seq\":"
        + seq
        + ",\"ups.status\":\""
        + status
        + "\",\"ups.load\":23,\"battery.charge\":100}";
  }

  static String event(long seq, String type) {
    return "{\"ts\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\",\"seq\":"
        + seq
        + ",\"type\":\""
        + type
        + "\",\"details\":{}}";
  }

  private static List<String> eventTypes(String serial) {
    return support.events(serial, Map.of()).items().stream().map(DeviceEventView::type).toList();
  }

  private static double disconnects(String reason) {
    return metric(gateway.httpBase(), "mqtt_disconnects_total", "reason", reason);
  }

  private static void awaitDisconnects(String reason, double atLeast) {
    await().atMost(Duration.ofSeconds(5)).until(() -> disconnects(reason) >= atLeast);
  }

  /** The value of one sample of a Prometheus counter, 0 when absent. */
  static double metric(URI base, String name, String label, String value) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(base.resolve("/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      for (String line : r.body().split("\n")) {
        Matcher m = SAMPLE_LINE.matcher(line.trim());
        if (m.matches()
            && m.group(1).equals(name)
            && m.group(2).contains(label + "=\"" + value + "\"")) {
          return Double.parseDouble(m.group(3));
        }
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The {@code mqtt.*} audit records naming {@code serial} (as actor, target or in the details).
   */
  private static List<String> mqttAudit(String serial) {
    try (Connection c = gateway.node().cluster().jdbc().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT action, target, outcome FROM audit_log"
                    + " WHERE action LIKE 'mqtt.%' AND (actor = ? OR target LIKE ? OR details LIKE ?) ORDER BY id")) {
      ps.setString(1, "device:" + serial);
      ps.setString(2, "%" + serial + "%");
      ps.setString(3, "%" + serial + "%");
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long median(List<Long> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }

  private static List<Long> concatLists(List<Long> a, List<Long> b) {
    List<Long> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
