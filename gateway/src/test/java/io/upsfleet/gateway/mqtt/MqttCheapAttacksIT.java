package io.upsfleet.gateway.mqtt;

import static io.upsfleet.gateway.mqtt.RawMqtt.connect;
import static io.upsfleet.gateway.mqtt.RawMqtt.pingreq;
import static io.upsfleet.gateway.mqtt.RawMqtt.subscribe;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cheap attacks on the MQTT edge stay cheap for the database: repeated CONNECTs with an unknown
 * serial are looked up once per unknown-serial TTL, and a SUBSCRIBE full of forbidden filters costs
 * one audit row. On a real node, over raw sockets.
 */
class MqttCheapAttacksIT {
  private static final int CONNACK_BAD_CREDENTIALS = 4;
  private static final HttpClient HTTP = ContractHttpClient.checked(HttpClient.newHttpClient());
  private static GatewayFixture gateway;
  private static UpsfleetClient support;
  private static String accountId;
  private static int port;

  @BeforeAll
  static void startGateway() {
    gateway =
        GatewayFixture.start(
            "mqtt-cheap-attacks",
            Map.of(
                // long enough that no entry expires during a test: every lookup is a cache miss
                "upsfleet.gateway.mqtt.unknown-serial-ttl", "10m",
                "upsfleet.gateway.mqtt.refusal-delay", "50ms"));
    support = gateway.support();
    accountId = support.createAccount("cheap attacks").id();
    port = gateway.mqttPort();
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @Test
  void repeatedConnectsWithUnknownSerialsHitTheDatabaseOncePerSerial() throws IOException {
    List<String> serials =
        IntStream.range(0, 5).mapToObj(i -> GatewayFixture.uniqueSerial()).toList();
    double before = lookups();
    for (int round = 0; round < 10; round++) {
      for (String serial : serials) {
        assertEquals(CONNACK_BAD_CREDENTIALS, refusedWith(serial, "some-secret"));
      }
    }
    assertEquals(
        serials.size(),
        lookups() - before,
        "50 refused CONNECTs with 5 unknown serials: one database lookup per serial");
  }

  @Test
  void aSerialRefusedAsUnknownConnectsOnceRegistered() throws IOException {
    String serial = GatewayFixture.uniqueSerial();
    assertEquals(CONNACK_BAD_CREDENTIALS, refusedWith(serial, "some-secret"));
    String secret = support.registerDevice(serial, "SMT1500", accountId).secret();
    try (RawMqtt c = RawMqtt.connected(port, serial, secret, 60)) {
      c.send(pingreq());
      assertEquals(RawMqtt.PINGRESP, c.read().type(), "the new device is served at once");
    }
  }

  @Test
  void aSubscribeWithFiftyForbiddenFiltersIsOneAuditRow() throws IOException {
    String serial = GatewayFixture.uniqueSerial();
    String secret = support.registerDevice(serial, "SMT1500", accountId).secret();
    String[] filters =
        IntStream.range(0, 50)
            .mapToObj(i -> "ups/SOMEONE" + i + "/commands")
            .toArray(String[]::new);
    try (RawMqtt c = RawMqtt.connected(port, serial, secret, 60)) {
      c.send(subscribe(7, filters));
      RawMqtt.Packet ack = c.read();
      assertEquals(RawMqtt.SUBACK, ack.type());
      assertEquals(2 + 50, ack.body().length, "a failure code for each of the 50 filters");
      c.send(pingreq());
      assertEquals(RawMqtt.PINGRESP, c.read().type());
    }
    // The row is written asynchronously: wait for it, then make sure no more follow.
    await().atMost(Duration.ofSeconds(10)).until(() -> !subscribeAudit(serial).isEmpty());
    await()
        .pollDelay(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              List<String> rows = subscribeAudit(serial);
              assertEquals(1, rows.size(), "one audit row for the refused packet: " + rows);
              assertTrue(
                  rows.get(0)
                      .startsWith(
                          "50 subscription filters outside the device's own topics: "
                              + "\"ups/SOMEONE0/commands\", \"ups/SOMEONE1/commands\""),
                  rows.get(0));
              assertTrue(rows.get(0).length() <= 256, "fits the audit row: " + rows.get(0));
              assertTrue(rows.get(0).endsWith(" more)"), "says how many are not listed: " + rows);
            });
  }

  private static int refusedWith(String serial, String secret) throws IOException {
    try (RawMqtt c = RawMqtt.open(port)) {
      c.send(connect(serial, serial, secret, 60));
      RawMqtt.Packet ack = c.read();
      assertEquals(RawMqtt.CONNACK, ack.type());
      return ack.body()[1];
    }
  }

  /** The counter mqtt_credential_lookups, read from the node's /metrics. */
  private static double lookups() {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(gateway.httpBase().resolve("/metrics")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      return r.body()
          .lines()
          .filter(l -> l.startsWith("mqtt_credential_lookups_total "))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no mqtt_credential_lookups_total in /metrics"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Details of the mqtt.subscribe audit rows of {@code serial}. */
  private static List<String> subscribeAudit(String serial) {
    try (Connection c = gateway.node().cluster().jdbc().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT details FROM audit_log WHERE action = 'mqtt.subscribe' AND actor = ? ORDER BY id")) {
      ps.setString(1, "device:" + serial);
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) rows.add(rs.getString(1));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
