package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceCounts;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.api.rest.TelemetryHistoryView;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device list's filters and sorting, the overview's counts and the telemetry history, end to
 * end against a real node and PostgreSQL with devices reporting over MQTT.
 */
class DeviceFiltersIT {
  private static final String OLD_FIRMWARE = "UPS 09.2 / ID=18";
  private static final String NEW_FIRMWARE = "UPS 09.8 / ID=18";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = ContractHttpClient.checked(HttpClient.newHttpClient());

  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private final List<Mqtt3BlockingClient> connected = new ArrayList<>();
  private final AtomicLong seq = new AtomicLong();

  @BeforeAll
  static void start() {
    gw =
        GatewayFixture.start(
            "DeviceFiltersIT",
            Map.of(
                "upsfleet.telemetry-history.interval",
                "1s",
                "upsfleet.telemetry-history.flush-interval",
                "200ms",
                "upsfleet.gateway.http.requests-per-second",
                1000,
                "upsfleet.gateway.http.burst",
                2000));
    support = gw.support();
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  @AfterEach
  void disconnect() {
    connected.forEach(
        c -> {
          if (c.getState().isConnected()) c.disconnect();
        });
  }

  // ------------------------------------------------------------------------------------------
  // filters

  @Test
  void filtersByPlanModelAndOutdatedFirmware() {
    String account = support.createAccount("Filters " + GatewayFixture.uniqueSerial()).id();
    DeviceRegistration small =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", account);
    DeviceRegistration big =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", account);
    DeviceRegistration advanced =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", account);
    makeAdvanced(account, advanced.serial());
    // The directory trails the entities: wait until it holds all three.
    await().atMost(WAIT).until(() -> list(account, Map.of()).size() == 3);

    Mqtt3BlockingClient bigDevice = device(big);
    telemetry(bigDevice, big, "\"ups.firmware\":\"" + OLD_FIRMWARE + "\"");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(serials(account, Map.of("firmwareOutdated", "true")))
                    .containsExactly(big.serial()));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(serials(account, Map.of("firmwareOutdated", "false")))
                    .containsExactlyInAnyOrder(small.serial(), advanced.serial()));
    DeviceSummary outdated = list(account, Map.of("firmwareOutdated", "true")).get(0);
    assertEquals(NEW_FIRMWARE, outdated.firmwareAvailable());
    assertEquals(OLD_FIRMWARE, outdated.firmware());
    assertEquals("STANDARD", outdated.plan());

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(serials(account, Map.of("plan", "ADVANCED")))
                    .containsExactly(advanced.serial()));
    assertThat(serials(account, Map.of("plan", "standard")))
        .containsExactlyInAnyOrder(small.serial(), big.serial());
    assertThat(serials(account, Map.of("plan", "BASIC"))).isEmpty();
    assertThat(serials(account, Map.of("model", "SMT1500C")))
        .containsExactlyInAnyOrder(big.serial(), advanced.serial());
    assertThat(serials(account, Map.of("model", "SMT1500"))).as("exact model only").isEmpty();
    assertThat(
            serials(
                account,
                Map.of("model", "SMT1500C", "plan", "STANDARD", "firmwareOutdated", "true")))
        .containsExactly(big.serial());

    // Installing the offered version (e.g. from the UPS's own display) settles the offer.
    telemetry(bigDevice, big, "\"ups.firmware\":\"" + NEW_FIRMWARE + "\"");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(serials(account, Map.of("firmwareOutdated", "true"))).isEmpty());
    assertNull(
        list(account, Map.of("model", "SMT1500C", "plan", "STANDARD")).get(0).firmwareAvailable());
  }

  @Test
  void sortsByEachColumnBothWaysWithSerialBreakingTies() {
    String account = support.createAccount("Sorting " + GatewayFixture.uniqueSerial()).id();
    List<String> serials = new ArrayList<>();
    for (String model : List.of("SMX3000", "SMT750C", "SMT1500C", "SMT750C", "SMT1500C")) {
      serials.add(support.registerDevice(GatewayFixture.uniqueSerial(), model, account).serial());
    }
    await().atMost(WAIT).until(() -> list(account, Map.of()).size() == 5);

    assertThat(list(account, Map.of())).extracting(DeviceSummary::serial).isSorted();
    assertThat(list(account, Map.of("sort", "serial")))
        .extracting(DeviceSummary::serial)
        .isSorted();
    assertThat(list(account, Map.of("sort", "-serial")))
        .extracting(DeviceSummary::serial)
        .isSortedAccordingTo(Comparator.reverseOrder());
    Comparator<DeviceSummary> bySerial = Comparator.comparing(DeviceSummary::serial);
    assertThat(list(account, Map.of("sort", "model")))
        .isSortedAccordingTo(Comparator.comparing(DeviceSummary::model).thenComparing(bySerial))
        .extracting(DeviceSummary::model)
        .containsExactly("SMT1500C", "SMT1500C", "SMT750C", "SMT750C", "SMX3000");
    assertThat(list(account, Map.of("sort", "-model")))
        .isSortedAccordingTo(
            Comparator.comparing(DeviceSummary::model).reversed().thenComparing(bySerial));
    assertThat(list(account, Map.of("sort", "updatedAt")))
        .isSortedAccordingTo(
            Comparator.comparing(DeviceSummary::updatedAt).thenComparing(bySerial));
    assertThat(list(account, Map.of("sort", "-updatedAt")))
        .isSortedAccordingTo(
            Comparator.comparing(DeviceSummary::updatedAt).reversed().thenComparing(bySerial));

    // Paging in a sorted order neither repeats nor skips a device.
    List<String> paged = new ArrayList<>();
    for (int page = 0; page < 3; page++) {
      paged.addAll(
          list(account, Map.of("sort", "-model", "size", "2", "page", Integer.toString(page)))
              .stream()
              .map(DeviceSummary::serial)
              .toList());
    }
    assertThat(paged)
        .containsExactlyElementsOf(
            list(account, Map.of("sort", "-model")).stream().map(DeviceSummary::serial).toList());
  }

  @Test
  void theMostRecentlyUpdatedDeviceComesFirstWithMinusUpdatedAt() {
    String account = support.createAccount("Recent " + GatewayFixture.uniqueSerial()).id();
    DeviceRegistration first =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", account);
    support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", account);
    await().atMost(WAIT).until(() -> list(account, Map.of()).size() == 2);
    device(first);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertEquals(
                    first.serial(), list(account, Map.of("sort", "-updatedAt")).get(0).serial()));
    assertEquals(first.serial(), list(account, Map.of("sort", "updatedAt")).get(1).serial());
  }

  @Test
  void invalidFilterAndSortValuesAre400ListingTheAllowedValues() throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("plan=PREMIUM", "[BASIC, STANDARD, ADVANCED]");
    cases.put("firmwareOutdated=yes", "[true, false]");
    cases.put("sort=name", "[serial, -serial, updatedAt, -updatedAt, model, -model]");
    cases.put("model=SMT%27%20OR%201%3D1--", "[A-Z0-9]{3,24}");
    cases.put("status=BROKEN", "ONLINE");
    for (var c : cases.entrySet()) {
      HttpResponse<String> r = get("/api/v1/devices?" + c.getKey(), support.token());
      assertEquals(400, r.statusCode(), c.getKey());
      Problem p = JSON.readValue(r.body(), Problem.class);
      String field = c.getKey().substring(0, c.getKey().indexOf('='));
      assertThat(p.errors())
          .as(c.getKey())
          .anySatisfy(
              e -> {
                assertEquals(field, e.field());
                assertThat(e.message()).contains(c.getValue());
              });
    }
    // SQL metacharacters in the free-text search are literals.
    assertEquals(
        200,
        get("/api/v1/devices?q=%27%3B%20DROP%20TABLE%20x--%25_", support.token()).statusCode());
    assertEquals(
        400, get("/api/v1/devices/summary?accountId=not-a-uuid", support.token()).statusCode());
    String serial =
        support
            .registerDevice(
                GatewayFixture.uniqueSerial(),
                "SMT750C",
                support.createAccount("Bad " + GatewayFixture.uniqueSerial()).id())
            .serial();
    for (String q :
        List.of(
            "maxPoints=0",
            "maxPoints=1441",
            "from=yesterday",
            "from=2026-11-28T10:00:00Z&to=2026-11-27T10:00:00Z")) {
      assertEquals(
          400,
          get("/api/v1/devices/" + serial + "/telemetry?" + q, support.token()).statusCode(),
          q);
    }
  }

  // ----------------------------------------------------------------------------------------
  // summary

  @Test
  void summaryCountsByHealthAndPlanWithinTheCallersAccount() {
    String a = support.createAccount("Summary A " + GatewayFixture.uniqueSerial()).id();
    String b = support.createAccount("Summary B " + GatewayFixture.uniqueSerial()).id();
    DeviceRegistration onBattery =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", a);
    DeviceRegistration ok = support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", a);
    support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", a); // never connects: OFFLINE
    support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", b);

    Mqtt3BlockingClient ob = device(onBattery);
    publish(
        ob,
        onBattery,
        "{\"ts\":\""
            + Instant.now()
            + "\",\"seq\":"
            + seq.incrementAndGet()
            + ",\"ups.status\":\"OB DISCHRG\",\"ups.firmware\":\""
            + OLD_FIRMWARE
            + "\"}");
    telemetry(device(ok), ok, "\"ups.load\":10");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              DeviceCounts c = support.deviceCounts(a);
              assertEquals(3, c.total());
              assertThat(c.byHealth())
                  .containsEntry("ON_BATTERY", 1L)
                  .containsEntry("OK", 1L)
                  .containsEntry("OFFLINE", 1L)
                  .containsEntry("LOW_BATTERY", 0L)
                  .containsEntry("CONNECTION_LOST", 0L);
              assertThat(c.byHealth().keySet())
                  .containsExactly(
                      "OFFLINE",
                      "CONNECTION_LOST",
                      "LOW_BATTERY",
                      "ON_BATTERY",
                      "OVERLOAD",
                      "TEMPERATURE_HIGH",
                      "REPLACE_BATTERY",
                      "OK");
              assertThat(c.byPlan())
                  .containsExactly(
                      Map.entry("BASIC", 0L), Map.entry("STANDARD", 3L), Map.entry("ADVANCED", 0L));
              assertEquals(1, c.firmwareOutdated());
            });
    // The list's health and the summary's agree.
    assertEquals("ON_BATTERY", list(a, Map.of("status", "ON_BATTERY")).get(0).health());

    // A customer sees their own account only, with or without naming it.
    UpsfleetClient alice = customer(a);
    assertEquals(3, alice.deviceCounts(null).total());
    assertEquals(3, alice.deviceCounts(a).total());
    assertEquals(
        400, assertThrows(UpsfleetClient.ApiError.class, () -> alice.deviceCounts(b)).status());
    // Support without an account counts every account.
    assertThat(support.deviceCounts(null).total()).isGreaterThanOrEqualTo(4);
  }

  // --------------------------------------------------------------------------------------
  // telemetry

  @Test
  void historyKeepsAtMostOnePointPerIntervalAndReadsBackInOrder() throws Exception {
    String account = support.createAccount("History " + GatewayFixture.uniqueSerial()).id();
    DeviceRegistration reg =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", account);
    Mqtt3BlockingClient c = device(reg);
    Instant started = Instant.now();
    int sent = 0;
    // Ten samples a second for about 3.5 seconds, with an increasing load.
    while (Duration.between(started, Instant.now()).toMillis() < 3500) {
      sent++;
      telemetry(
          c,
          reg,
          "\"ups.load\":"
              + sent
              + ",\"battery.charge\":95,\"battery.runtime\":1800"
              + ",\"battery.temperature\":30.5,\"input.voltage\":229.5,\"output.voltage\":230");
      Thread.sleep(100); // the device's reporting rate, not a wait for a condition
    }
    Instant ended = Instant.now();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(support.telemetryHistory(reg.serial(), Map.of()).points())
                    .hasSizeGreaterThanOrEqualTo(3));
    TelemetryHistoryView h = support.telemetryHistory(reg.serial(), Map.of());
    assertEquals(reg.serial(), h.serial());
    List<Instant> at = h.points().stream().map(TelemetryHistoryView.Point::at).toList();
    assertThat(at)
        .as("in order, one per 1 s interval")
        .isSorted()
        .doesNotHaveDuplicates()
        .allSatisfy(t -> assertEquals(0, t.getNano(), "stamped with the start of its interval"));
    assertThat(at.size())
        .isLessThanOrEqualTo((int) Duration.between(started, ended).toSeconds() + 2)
        .isLessThan(sent);
    assertThat(h.points()).extracting(TelemetryHistoryView.Point::load).isSorted();
    TelemetryHistoryView.Point p = h.points().get(0);
    assertEquals(95.0, p.charge());
    assertEquals(1800.0, p.runtime());
    assertEquals(30.5, p.batteryTemperature());
    assertEquals(229.5, p.inputVoltage());
    assertEquals(230.0, p.outputVoltage());
    assertEquals("OL", p.status());

    // A window and a point limit.
    assertThat(support.telemetryHistory(reg.serial(), Map.of("maxPoints", "2")).points())
        .hasSizeLessThanOrEqualTo(2);
    assertThat(
            support
                .telemetryHistory(
                    reg.serial(), Map.of("from", at.get(1).toString(), "to", at.get(2).toString()))
                .points())
        .extracting(TelemetryHistoryView.Point::at)
        .containsExactly(at.get(1));
    assertThat(
            support
                .telemetryHistory(
                    reg.serial(),
                    Map.of("from", "2020-01-01T00:00:00Z", "to", "2020-01-02T00:00:00Z"))
                .points())
        .isEmpty();
  }

  @Test
  void anotherAccountsTelemetryIsNotFound() {
    String a = support.createAccount("Tenant TA " + GatewayFixture.uniqueSerial()).id();
    String b = support.createAccount("Tenant TB " + GatewayFixture.uniqueSerial()).id();
    DeviceRegistration own = support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", a);
    DeviceRegistration other = support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", b);
    telemetry(device(other), other, "\"ups.load\":5");
    await()
        .atMost(WAIT)
        .until(() -> !support.telemetryHistory(other.serial(), Map.of()).points().isEmpty());

    UpsfleetClient alice = customer(a);
    assertThat(alice.telemetryHistory(own.serial(), Map.of()).points()).isEmpty();
    assertEquals(
        404,
        assertThrows(
                UpsfleetClient.ApiError.class,
                () -> alice.telemetryHistory(other.serial(), Map.of()))
            .status());
    assertEquals(
        404,
        assertThrows(
                UpsfleetClient.ApiError.class,
                () -> alice.telemetryHistory("NOSUCHDEVICE1", Map.of()))
            .status());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(alice.devices(Map.of("model", "SMT750C")).items())
                    .extracting(DeviceSummary::serial)
                    .containsExactly(own.serial()));
  }

  // ----------------------------------------------------------------------------------------
  // helpers

  private static List<DeviceSummary> list(String account, Map<String, String> query) {
    Map<String, String> q = new HashMap<>(query);
    q.put("accountId", account);
    return support.devices(q).items();
  }

  private static List<String> serials(String account, Map<String, String> query) {
    return list(account, query).stream().map(DeviceSummary::serial).toList();
  }

  private static UpsfleetClient customer(String account) {
    String user = "viewer-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(account, user, "a-long-password-123", "ACCOUNT_VIEWER");
    return gw.client(user, "a-long-password-123");
  }

  private Mqtt3BlockingClient device(DeviceRegistration reg) {
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
    connected.add(c);
    return c;
  }

  private void telemetry(Mqtt3BlockingClient c, DeviceRegistration reg, String fields) {
    publish(
        c,
        reg,
        "{\"ts\":\""
            + Instant.now()
            + "\",\"seq\":"
            + seq.incrementAndGet()
            + ",\"ups.status\":\"OL\","
            + fields
            + "}");
  }

  private static void publish(Mqtt3BlockingClient c, DeviceRegistration reg, String json) {
    c.publishWith()
        .topic("ups/" + reg.serial() + "/telemetry")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(json.getBytes(StandardCharsets.UTF_8))
        .send();
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(gw.httpBase().resolve(path))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String post(String path, Object body, int expected) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(gw.httpBase().resolve(path))
                  .header("Authorization", "Bearer " + support.token())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(expected, r.statusCode(), path + ": " + r.body());
      return r.body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Buys, redeems and assigns an Advanced licence for the devices, then waits for the plan. */
  private static void makeAdvanced(String accountId, String... serials) {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("poNumber", "PO-" + GatewayFixture.uniqueSerial());
    order.put("sku", "SMARTCONNECT-ADVANCED-1Y");
    order.put("quantity", serials.length);
    order.put("channel", "ONLINE");
    order.put("installerEmail", "i@example.com");
    try {
      String code = JSON.readTree(post("/api/v1/license-orders", order, 201)).path("code").asText();
      post("/api/v1/activation-codes/" + code + "/redeem", Map.of("accountId", accountId), 200);
      post(
          "/api/v1/assignments",
          Map.of("code", code, "serials", List.of(serials), "accountId", accountId),
          200);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String serial : serials) {
      await().atMost(WAIT).until(() -> "ADVANCED".equals(support.device(serial).plan().plan()));
    }
  }
}
