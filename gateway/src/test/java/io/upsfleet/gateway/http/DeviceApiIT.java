package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API end to end against a real node and PostgreSQL: registration, the live view, the list
 * and the event log, authentication, tenant isolation, and precise errors for bad input.
 */
class DeviceApiIT {
  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static final HttpClient HTTP = ContractHttpClient.checked(HttpClient.newHttpClient());

  @BeforeAll
  static void start() {
    gw = GatewayFixture.start("DeviceApiIT");
    support = gw.support();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static Mqtt3BlockingClient device(DeviceRegistration reg) {
    Mqtt3BlockingClient c =
        Mqtt3Client.builder()
            .identifier(reg.serial())
            .serverHost("127.0.0.1")
            .serverPort(gw.mqttPort())
            .simpleAuth()
            .username(reg.serial())
            .password(reg.secret().getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    c.connect();
    return c;
  }

  private static void publish(Mqtt3BlockingClient c, String topic, String json) {
    c.publishWith()
        .topic(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(json.getBytes(StandardCharsets.UTF_8))
        .send();
  }

  private static HttpResponse<String> raw(
      String method, String path, String token, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.httpBase().resolve(path));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (contentType != null) b.header("Content-Type", contentType);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void registeredDeviceShowsTelemetryAndEventsThroughTheApi() throws Exception {
    AccountView acme = support.createAccount("Acme " + GatewayFixture.uniqueSerial());
    String serial = GatewayFixture.uniqueSerial();
    DeviceRegistration reg = support.registerDevice(serial, "SMT1500C", acme.id());
    assertThat(reg.secret()).hasSizeGreaterThanOrEqualTo(40);
    assertEquals("ups/" + serial + "/telemetry", reg.mqtt().telemetryTopic());

    DeviceView fresh = support.device(serial);
    assertEquals("STANDARD", fresh.plan().plan());
    assertEquals("TRIAL", fresh.plan().source());
    assertEquals(
        fresh.registeredAt().atOffset(ZoneOffset.UTC).plusMonths(6).toInstant(),
        fresh.plan().endsAt());
    assertTrue(!fresh.connection().online());

    Mqtt3BlockingClient c = device(reg);
    publish(
        c,
        reg.mqtt().telemetryTopic(),
        "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":1,\"ups.status\":\"OL CHRG\",\"ups.load\":23,\"battery.charge\":100}");
    await()
        .atMost(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              DeviceView v = support.device(serial);
              assertTrue(v.connection().online());
              assertEquals(23.0, ((Number) v.telemetry().values().get("ups.load")).doubleValue());
              assertEquals("OK", v.health());
            });
    publish(
        c,
        reg.mqtt().telemetryTopic(),
        "{\"ts\":\"2026-11-28T10:00:30Z\",\"seq\":2,\"ups.status\":\"OB DISCHRG\",\"ups.load\":23,\"battery.charge\":97}");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(support.events(serial, Map.of()).items())
                    .extracting(e -> e.type())
                    .contains("ON_BATTERY"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(support.devices(Map.of("status", "ON_BATTERY", "q", serial)).items())
                    .extracting(d -> d.serial())
                    .containsExactly(serial));
    c.disconnect();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !support.device(serial).connection().online());
  }

  @Test
  void deviceOfflineBeyondGraceIsMarkedLostAndRestoredOnReconnect() {
    AccountView acme = support.createAccount("Grace " + GatewayFixture.uniqueSerial());
    DeviceRegistration reg =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", acme.id());
    Mqtt3BlockingClient c = device(reg);
    c.disconnect();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertTrue(support.device(reg.serial()).connection().connectionLost());
              assertThat(support.events(reg.serial(), Map.of()).items())
                  .extracting(e -> e.type())
                  .contains("CONNECTION_LOST");
            });
    device(reg).disconnect();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(support.events(reg.serial(), Map.of()).items())
                    .extracting(e -> e.type())
                    .contains("CONNECTION_RESTORED"));
  }

  @Test
  void aSecondConnectionOfTheSameSerialTakesOver() {
    AccountView acme = support.createAccount("Takeover " + GatewayFixture.uniqueSerial());
    DeviceRegistration reg =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", acme.id());
    Mqtt3BlockingClient first = device(reg);
    Mqtt3BlockingClient second = device(reg);
    await().atMost(Duration.ofSeconds(5)).until(() -> !first.getState().isConnected());
    assertTrue(second.getState().isConnected());
    publish(
        second,
        reg.mqtt().telemetryTopic(),
        "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":5,\"ups.status\":\"OL\"}");
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              DeviceView v = support.device(reg.serial());
              assertTrue(v.connection().online());
              assertEquals(5, v.telemetry().seq());
            });
    second.disconnect();
  }

  @Test
  void anotherAccountsDeviceIsNotFound() {
    AccountView a = support.createAccount("Tenant A " + GatewayFixture.uniqueSerial());
    AccountView b = support.createAccount("Tenant B " + GatewayFixture.uniqueSerial());
    String serialB = GatewayFixture.uniqueSerial();
    support.registerDevice(serialB, "SMT1500C", b.id());
    String user = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(a.id(), user, "a-long-password-123", "ACCOUNT_ADMIN");
    UpsfleetClient alice = gw.client(user, "a-long-password-123");

    var notFound = assertThrows(UpsfleetClient.ApiError.class, () -> alice.device(serialB));
    assertEquals(404, notFound.status());
    assertEquals(
        404,
        assertThrows(UpsfleetClient.ApiError.class, () -> alice.events(serialB, Map.of()))
            .status());
    assertEquals(
        404,
        assertThrows(UpsfleetClient.ApiError.class, () -> alice.device("NOSUCHDEVICE1")).status());
    assertThat(alice.devices(Map.of("q", serialB)).items()).isEmpty();
    assertEquals(
        400,
        assertThrows(
                UpsfleetClient.ApiError.class, () -> alice.devices(Map.of("accountId", b.id())))
            .status());
    assertEquals(
        404,
        assertThrows(
                UpsfleetClient.ApiError.class,
                () -> alice.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", b.id()))
            .status());
    // A customer calling a support-only operation: 403.
    assertEquals(
        403,
        assertThrows(UpsfleetClient.ApiError.class, () -> alice.createAccount("Mine")).status());
    // The admin registers into their own account without naming it.
    DeviceRegistration own = alice.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", null);
    assertEquals(a.id(), own.accountId());
  }

  @Test
  void viewerMayReadButNotRegister() {
    AccountView a = support.createAccount("Viewer " + GatewayFixture.uniqueSerial());
    String user = "viewer-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(a.id(), user, "a-long-password-123", "ACCOUNT_VIEWER");
    UpsfleetClient viewer = gw.client(user, "a-long-password-123");
    String serial = GatewayFixture.uniqueSerial();
    support.registerDevice(serial, "SMT1500C", a.id());
    assertEquals(serial, viewer.device(serial).serial());
    assertEquals(
        403,
        assertThrows(
                UpsfleetClient.ApiError.class,
                () -> viewer.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", a.id()))
            .status());
  }

  @Test
  void requestsWithoutValidTokenAre401WithChallenge() throws Exception {
    for (String token : new String[] {null, "uft_notarealtoken", "garbage"}) {
      HttpResponse<String> r = raw("GET", "/api/v1/devices", token, null, null);
      assertEquals(401, r.statusCode());
      assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      assertTrue(
          r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }
    HttpResponse<String> wrong =
        raw(
            "POST",
            "/api/v1/auth/token",
            null,
            "application/json",
            "{\"username\":\"support\",\"password\":\"wrong-password\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(401, wrong.statusCode());
  }

  @Test
  void signedOutTokenStopsWorking() throws Exception {
    UpsfleetClient c = gw.support();
    assertEquals(204, raw("POST", "/api/v1/auth/logout", c.token(), null, null).statusCode());
    assertEquals(401, raw("GET", "/api/v1/devices", c.token(), null, null).statusCode());
  }

  @Test
  void badInputIsAnsweredPrecisely() throws Exception {
    String token = support.token();
    assertEquals(
        415, raw("POST", "/api/v1/accounts", token, "text/plain", "x".getBytes()).statusCode());
    HttpResponse<String> malformed =
        raw("POST", "/api/v1/accounts", token, "application/json", "{\"name\":".getBytes());
    assertEquals(400, malformed.statusCode());
    assertThat(malformed.body()).doesNotContain("Exception").doesNotContain("at io.");
    HttpResponse<String> unknownField =
        raw(
            "POST",
            "/api/v1/accounts",
            token,
            "application/json",
            "{\"name\":\"x\",\"admin\":true}".getBytes());
    assertEquals(400, unknownField.statusCode());
    assertThat(unknownField.body()).contains("admin");
    HttpResponse<String> badSerial =
        raw(
            "POST",
            "/api/v1/devices",
            token,
            "application/json",
            "{\"serial\":\"bad serial\",\"model\":\"SMT1500C\",\"accountId\":\"not-a-uuid\"}"
                .getBytes());
    assertEquals(400, badSerial.statusCode());
    assertThat(badSerial.body()).contains("serial").contains("accountId");
    HttpResponse<String> badStatus = raw("GET", "/api/v1/devices?status=ultra", token, null, null);
    assertEquals(400, badStatus.statusCode());
    assertThat(badStatus.body()).contains("ON_BATTERY");
    assertEquals(400, raw("GET", "/api/v1/devices?size=100000", token, null, null).statusCode());
    byte[] big = ("{\"name\":\"" + "x".repeat(70_000) + "\"}").getBytes();
    assertEquals(413, raw("POST", "/api/v1/accounts", token, "application/json", big).statusCode());
    HttpResponse<String> sql =
        raw(
            "GET",
            "/api/v1/devices?q="
                + URLEncoder.encode("'; DROP TABLE x; --%_", StandardCharsets.UTF_8),
            token,
            null,
            null);
    assertEquals(200, sql.statusCode());
    assertThat(sql.body()).contains("\"total\":0");
    assertEquals(
        404, raw("GET", "/api/v1/devices/../../etc/passwd", token, null, null).statusCode());
  }

  @Test
  void duplicateRegistrationIsAConflict() {
    AccountView a = support.createAccount("Dup " + GatewayFixture.uniqueSerial());
    String serial = GatewayFixture.uniqueSerial();
    support.registerDevice(serial, "SMT1500C", a.id());
    assertEquals(
        409,
        assertThrows(
                UpsfleetClient.ApiError.class,
                () -> support.registerDevice(serial, "SMT1500C", a.id()))
            .status());
    assertEquals(
        404,
        assertThrows(
                UpsfleetClient.ApiError.class,
                () ->
                    support.registerDevice(
                        GatewayFixture.uniqueSerial(), "SMT1500C", UUID.randomUUID().toString()))
            .status());
  }

  @Test
  void healthAndMetricsAnswer() throws Exception {
    assertEquals(200, raw("GET", "/health/alive", null, null, null).statusCode());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> raw("GET", "/health/ready", null, null, null).statusCode() == 200);
    String metrics = raw("GET", "/metrics", null, null, null).body();
    assertThat(metrics).contains("mqtt_connections").contains("mqtt_disconnects_total");
  }
}
