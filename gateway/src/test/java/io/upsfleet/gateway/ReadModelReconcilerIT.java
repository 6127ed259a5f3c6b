package io.upsfleet.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.persistence.DatabaseSettings;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read-model reconciler repairs a device whose read models missed an event that the journal has
 * and the projection went past (issue 10). The miss is made the way a skipped late write leaves
 * things: after the projection applied a device's "on battery" events, its read-model rows and its
 * progress are put back to before them, while the journal and the projection's offset stay as they
 * are.
 */
class ReadModelReconcilerIT {
  private static final Pattern SAMPLE_LINE = Pattern.compile("^(\\w+)(\\{[^}]*})?\\s+(\\S+)$");

  private GatewayFixture gateway;
  private UpsfleetClient support;
  private String accountId;
  private Mqtt3BlockingClient client;

  @BeforeEach
  void start() {
    gateway =
        GatewayFixture.start(
            "read model reconciler", Map.of("upsfleet.read-model-reconciler.interval", "500ms"));
    support = gateway.support();
    accountId = support.createAccount("Reconciler").id();
  }

  @AfterEach
  void stop() {
    if (client != null && client.getState().isConnected()) client.disconnect();
    if (gateway != null) gateway.close();
  }

  @Test
  void repairsADeviceWhoseReadModelsMissedJournalEventsAndCountsIt() throws Exception {
    String serial = GatewayFixture.uniqueSerial();
    String secret = support.registerDevice(serial, "SMT1500", accountId).secret();
    client = connect(serial, secret);
    publish(serial, 1, "OL CHRG");
    await().atMost(Duration.ofSeconds(20)).until(() -> directoryStatus(serial).contains("OL"));
    String persistenceId = "UpsDevice|" + serial;
    long beforeOnBattery;
    try (Connection c = open(gateway.database())) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> progress(c, persistenceId) == maxSequenceNr(c, persistenceId));
      beforeOnBattery = progress(c, persistenceId);
    }

    publish(serial, 2, "OB DISCHRG");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                directoryStatus(serial).contains("OB")
                    && eventTypes(serial).contains("ON_BATTERY"));
    double repairedBefore = metric("read_model_gaps_repaired_total");

    // The read models as they are when the projection skipped the on-battery events.
    try (Connection c = open(gateway.database())) {
      c.setAutoCommit(false);
      update(
          c,
          "UPDATE read_model_progress SET seq_nr = ? WHERE persistence_id = ?",
          beforeOnBattery,
          persistenceId);
      update(c, "UPDATE device_directory SET status_flags = '{CHRG,OL}' WHERE serial = ?", serial);
      update(
          c, "DELETE FROM device_events WHERE serial = ? AND seq_nr > ?", serial, beforeOnBattery);
      c.commit();
    }

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertTrue(
                  directoryStatus(serial).contains("OB"), "directory " + directoryStatus(serial));
              assertTrue(eventTypes(serial).contains("ON_BATTERY"), "log " + eventTypes(serial));
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric("read_model_gaps_repaired_total") == repairedBefore + 1);
    try (Connection c = open(gateway.database())) {
      assertEquals(maxSequenceNr(c, persistenceId), progress(c, persistenceId));
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  private Mqtt3BlockingClient connect(String serial, String secret) {
    Mqtt3BlockingClient c =
        Mqtt3Client.builder()
            .identifier(serial)
            .serverHost("127.0.0.1")
            .serverPort(gateway.mqttPort())
            .simpleAuth()
            .username(serial)
            .password(secret.getBytes(UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    c.connect();
    return c;
  }

  private void publish(String serial, long seq, String status) {
    client
        .publishWith()
        .topic("ups/" + serial + "/telemetry")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(
            ("{\"ts\":\""
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    + "\",\"seq\":"
                    + seq
                    + ",\"ups.status\":\""
                    + status
                    + "\",\"ups.load\":23,\"battery.charge\":100}")
                .getBytes(UTF_8))
        .send();
  }

  private List<String> directoryStatus(String serial) {
    return support.devices(Map.of("q", serial)).items().stream()
        .filter(r -> r.serial().equals(serial))
        .findFirst()
        .map(DeviceSummary::status)
        .orElse(List.of());
  }

  private List<String> eventTypes(String serial) {
    return support.events(serial, Map.of()).items().stream().map(DeviceEventView::type).toList();
  }

  private double metric(String name) throws Exception {
    HttpResponse<String> r =
        ContractHttpClient.checked(HttpClient.newHttpClient())
            .send(
                HttpRequest.newBuilder(gateway.httpBase().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    double sum = 0;
    for (String line : r.body().split("\n")) {
      Matcher m = SAMPLE_LINE.matcher(line.trim());
      if (m.matches() && m.group(1).equals(name)) sum += Double.parseDouble(m.group(3));
    }
    return sum;
  }

  private static Connection open(DatabaseSettings db) throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  private static void update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      ps.executeUpdate();
    }
  }

  private static long progress(Connection c, String persistenceId) throws SQLException {
    return single(
        c,
        "SELECT seq_nr FROM read_model_progress WHERE projection = 'device-read-models'"
            + " AND persistence_id = ?",
        persistenceId);
  }

  private static long maxSequenceNr(Connection c, String persistenceId) throws SQLException {
    return single(
        c,
        "SELECT max(sequence_number) FROM event_journal WHERE persistence_id = ?",
        persistenceId);
  }

  private static long single(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), sql);
        return rs.getLong(1);
      }
    }
  }
}
