package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MyInventory and MyRenewals (DOMAIN.md §8) end to end: a known fleet reports over MQTT, the
 * reports are downloaded through the API and parsed back with the libraries that wrote them
 * (Commons CSV, FastExcel's reader), every column checked against the device API; a device string
 * that is a formula is neutralised; another account's report is a 404.
 */
class ReportsIT {
  private static final String OLD_FIRMWARE = "UPS 09.2 / ID=18";
  private static final String NEW_FIRMWARE = "UPS 09.8 / ID=18";
  private static final String FORMULA = "=HYPERLINK(\"https://evil.example\",\"x\")";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String SITE = "Lyon-2 \"north\", =ops";
  private static String siteId;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = ContractHttpClient.checked(HttpClient.newHttpClient());

  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static String account;
  private static String other;
  private static UpsfleetClient customer;
  private static DeviceRegistration leadAcid;
  private static DeviceRegistration lithium;
  private static final List<Mqtt3BlockingClient> connected = new ArrayList<>();

  @BeforeAll
  static void fleet() throws Exception {
    gw =
        GatewayFixture.start(
            "ReportsIT",
            Map.of(
                "upsfleet.telemetry-history.interval", "1s",
                "upsfleet.telemetry-history.flush-interval", "200ms"));
    support = gw.support();
    account = support.createAccount("Reports " + GatewayFixture.uniqueSerial()).id();
    other = support.createAccount("Other " + GatewayFixture.uniqueSerial()).id();
    String user = "viewer-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(account, user, "a-long-password-123", "ACCOUNT_VIEWER");
    customer = gw.client(user, "a-long-password-123");
    leadAcid = support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", account);
    lithium = support.registerDevice(GatewayFixture.uniqueSerial(), "SMTL1500RM2UC", account);
    support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", other);
    // The lead-acid one is in a site (a name with a quote, a comma and a leading '=').
    siteId =
        JSON.readTree(
                send(
                        "POST",
                        "/api/v1/accounts/" + account + "/sites",
                        JSON.writeValueAsString(Map.of("name", SITE)))
                    .body())
            .path("id")
            .asText();
    HttpResponse<byte[]> placed =
        send(
            "PATCH",
            "/api/v1/devices/" + leadAcid.serial(),
            JSON.writeValueAsString(Map.of("siteId", siteId)));
    assertEquals(200, placed.statusCode(), new String(placed.body(), StandardCharsets.UTF_8));

    publish(
        leadAcid,
        "\"ups.status\":\"OL CHRG\",\"ups.load\":23,\"battery.charge\":97.5,"
            + "\"battery.temperature\":31.5,\"battery.date\":\"2025-01-15\",\"ups.firmware\":\""
            + OLD_FIRMWARE
            + "\"");
    publish(
        lithium,
        "\"ups.status\":\"OB DISCHRG\",\"ups.load\":41,\"battery.charge\":64,"
            + "\"battery.temperature\":29,\"ups.firmware\":"
            + JSON.writeValueAsString(FORMULA));
    // The directory and the history trail the devices: wait until the report shows both samples.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Map<String, CSVRecord> rows = csv(download("my-inventory.csv", customer.token()));
              assertThat(rows).containsKeys(leadAcid.serial(), lithium.serial());
              assertThat(rows.get(leadAcid.serial()).get("load_pct")).isEqualTo("23");
              assertThat(rows.get(lithium.serial()).get("load_pct")).isEqualTo("41");
              assertThat(rows.get(leadAcid.serial()).get("firmware_update"))
                  .isEqualTo(NEW_FIRMWARE);
              assertThat(rows.get(lithium.serial()).get("health")).isEqualTo("ON_BATTERY");
            });
  }

  @AfterAll
  static void stop() {
    connected.forEach(c -> c.disconnect());
    if (gw != null) gw.close();
  }

  @Test
  void myInventoryCsvHasEveryColumnOfTheKnownFleet() throws Exception {
    HttpResponse<byte[]> r = download("my-inventory.csv", customer.token());
    assertEquals(200, r.statusCode());
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
        .contains("attachment")
        .contains("my-inventory-");
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(text).as("RFC 4180 line ends").contains("\r\n");
    assertThat(text)
        .startsWith(
            "serial,model,site,health,status,load_pct,charge_pct,temperature_c,firmware,"
                + "firmware_update,rbc,battery_installed,battery_replace_by,plan,plan_ends,"
                + "warranty_ends,battery_warranty_ends,renewal_needed\r\n");
    Map<String, CSVRecord> rows = csv(r);
    assertThat(rows).containsOnlyKeys(leadAcid.serial(), lithium.serial());

    Map<String, String> a = expectedInventory(leadAcid.serial());
    a.put("health", "OK");
    a.put("status", "CHRG OL"); // the directory keeps the flags sorted
    a.put("load_pct", "23");
    a.put("charge_pct", "97.5");
    a.put("temperature_c", "31.5");
    a.put("firmware", OLD_FIRMWARE);
    a.put("firmware_update", NEW_FIRMWARE);
    a.put("rbc", "APCRBC7");
    a.put("battery_installed", "2025-01-15");
    a.put("battery_replace_by", "2028-01-15"); // lead-acid: 3 years
    assertEquals(a, rows.get(leadAcid.serial()).toMap());

    Map<String, String> b = expectedInventory(lithium.serial());
    LocalDate registered = registeredOn(lithium.serial());
    b.put("health", "ON_BATTERY");
    b.put("status", "DISCHRG OB");
    b.put("load_pct", "41");
    b.put("charge_pct", "64");
    b.put("temperature_c", "29");
    b.put("firmware", "'" + FORMULA); // neutralised: a spreadsheet shows it as text
    b.put("firmware_update", "");
    b.put("rbc", "");
    b.put("battery_installed", registered.toString()); // none reported: the registration date
    b.put("battery_replace_by", registered.plusYears(8).toString()); // lithium-ion: 8 years
    assertEquals(b, rows.get(lithium.serial()).toMap());
  }

  @Test
  void myRenewalsCsvHasNoOperationalDataAndTheRenewalSkus() throws Exception {
    Map<String, CSVRecord> rows = csv(download("my-renewals.csv", customer.token()));
    CSVRecord a = rows.get(leadAcid.serial());
    assertThat(a.getParser().getHeaderNames())
        .containsExactly(
            "serial",
            "model",
            "site",
            "plan",
            "plan_ends",
            "warranty_ends",
            "battery_warranty_ends",
            "battery_replace_by",
            "rbc_sku",
            "service_sku",
            "license_sku");
    JsonNode plan = plan(leadAcid.serial());
    assertEquals("SMT1500C", a.get("model"));
    assertEquals(SITE, a.get("site"));
    assertEquals("STANDARD", a.get("plan"));
    assertEquals(day(plan.path("coveredUntil").asText()), a.get("plan_ends"));
    assertEquals(day(plan.path("warrantyEnds").asText()), a.get("warranty_ends"));
    assertEquals(day(plan.path("batteryWarrantyEnds").asText()), a.get("battery_warranty_ends"));
    assertEquals("2028-01-15", a.get("battery_replace_by"));
    assertEquals("APCRBC7", a.get("rbc_sku"));
    assertEquals("WEXTWAR-1Y", a.get("service_sku"));
    assertEquals("SMARTCONNECT-STANDARD-1Y", a.get("license_sku"));
    assertEquals("", rows.get(lithium.serial()).get("rbc_sku"));
  }

  @Test
  void myInventoryXlsxHasTypedCellsAndMatchesTheCsv() throws Exception {
    HttpResponse<byte[]> r = download("my-inventory.xlsx", customer.token());
    assertEquals(200, r.statusCode());
    Map<String, CSVRecord> csv = csv(download("my-inventory.csv", customer.token()));
    try (ReadableWorkbook wb = new ReadableWorkbook(new ByteArrayInputStream(r.body()))) {
      Sheet sheet = wb.getFirstSheet();
      assertEquals("MyInventory", sheet.getName());
      List<Row> rows = sheet.read();
      List<String> header = new ArrayList<>();
      for (Cell c : rows.get(0)) header.add(c.getText());
      assertEquals(csv.get(leadAcid.serial()).getParser().getHeaderNames(), header);
      assertEquals(3, rows.size());
      for (Row row : rows.subList(1, rows.size())) {
        CSVRecord expected = csv.get(row.getCellText(0));
        for (int i = 0; i < header.size(); i++) {
          String name = header.get(i);
          Cell cell = i < row.getCellCount() ? row.getCell(i) : null;
          String want = expected.get(name);
          if (want.isEmpty()) {
            assertThat(cell == null || cell.getType() == CellType.EMPTY).as(name).isTrue();
          } else if (name.endsWith("_pct") || name.equals("temperature_c")) {
            assertEquals(CellType.NUMBER, cell.getType(), name);
            assertEquals(Double.parseDouble(want), cell.asNumber().doubleValue(), 1e-9, name);
          } else if (name.startsWith("battery_") || name.endsWith("_ends")) {
            assertEquals(CellType.NUMBER, cell.getType(), name + " is a date serial");
            assertEquals(LocalDate.parse(want), cell.asDate().toLocalDate(), name);
          } else {
            assertEquals(CellType.STRING, cell.getType(), name);
            assertEquals(want, cell.asString(), name);
          }
        }
      }
    }
  }

  @Test
  void myRenewalsXlsxIsOneSheetNamedMyRenewals() throws Exception {
    HttpResponse<byte[]> r = download("my-renewals.xlsx", support.token());
    assertEquals(200, r.statusCode());
    try (ReadableWorkbook wb = new ReadableWorkbook(new ByteArrayInputStream(r.body()))) {
      assertThat(wb.getSheets().map(Sheet::getName)).containsExactly("MyRenewals");
      assertThat(wb.getFirstSheet().read()).hasSize(3);
    }
  }

  @Test
  void filtersOfTheDeviceListApply() throws Exception {
    assertThat(csv(download("my-inventory.csv?model=SMT1500C", customer.token())))
        .containsOnlyKeys(leadAcid.serial());
    assertThat(csv(download("my-renewals.csv?status=ON_BATTERY", customer.token())))
        .containsOnlyKeys(lithium.serial());
    assertThat(csv(download("my-renewals.csv?expiringWithinDays=30", customer.token())))
        .as("the trial ends in 6 months")
        .isEmpty();
    assertThat(csv(download("my-renewals.csv?expiringWithinDays=200", customer.token())))
        .containsOnlyKeys(leadAcid.serial(), lithium.serial());
    assertEquals(400, download("my-renewals.csv?plan=GOLD", customer.token()).statusCode());
    assertEquals(
        400, download("my-renewals.csv?expiringWithinDays=-1", customer.token()).statusCode());
  }

  @Test
  void anotherAccountsReportIsNotFoundAndUnknownReportsToo() throws Exception {
    assertEquals(
        404,
        get("/api/v1/accounts/" + other + "/reports/my-inventory.csv", customer.token())
            .statusCode());
    assertEquals(
        404,
        get("/api/v1/accounts/" + other + "/reports/my-renewals.xlsx", customer.token())
            .statusCode());
    assertEquals(404, download("my-inventory.pdf", customer.token()).statusCode());
    assertEquals(404, download("everything.csv", customer.token()).statusCode());
    assertEquals(401, download("my-inventory.csv", "not-a-token").statusCode());
    assertEquals(
        404,
        get(
                "/api/v1/accounts/00000000-0000-0000-0000-000000000000/reports/my-inventory.csv",
                support.token())
            .statusCode());
    // Support may download any account's report.
    assertThat(csv(get("/api/v1/accounts/" + other + "/reports/my-inventory.csv", support.token())))
        .hasSize(1);
  }

  // -------------------------------------------------------------------------------------------

  private static Map<String, String> expectedInventory(String serial) throws Exception {
    JsonNode plan = plan(serial);
    JsonNode device = JSON.readTree(get("/api/v1/devices/" + serial, support.token()).body());
    Map<String, String> m = new LinkedHashMap<>();
    m.put("serial", serial);
    m.put("model", device.path("model").asText());
    m.put("site", serial.equals(leadAcid.serial()) ? SITE : "");
    m.put("plan", "STANDARD");
    m.put("plan_ends", day(plan.path("coveredUntil").asText()));
    m.put("warranty_ends", day(plan.path("warrantyEnds").asText()));
    m.put("battery_warranty_ends", day(plan.path("batteryWarrantyEnds").asText()));
    m.put("renewal_needed", ""); // nothing ends within 90 days of registration
    return m;
  }

  private static JsonNode plan(String serial) throws Exception {
    return JSON.readTree(get("/api/v1/devices/" + serial + "/plan", support.token()).body());
  }

  private static LocalDate registeredOn(String serial) throws Exception {
    JsonNode device = JSON.readTree(get("/api/v1/devices/" + serial, support.token()).body());
    return Instant.parse(device.path("registeredAt").asText()).atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static String day(String instant) {
    return Instant.parse(instant).atZone(ZoneOffset.UTC).toLocalDate().toString();
  }

  private static Map<String, CSVRecord> csv(HttpResponse<byte[]> r) throws Exception {
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    Map<String, CSVRecord> bySerial = new HashMap<>();
    try (CSVParser p =
        CSVFormat.RFC4180
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get()
            .parse(
                new InputStreamReader(
                    new ByteArrayInputStream(r.body()), StandardCharsets.UTF_8))) {
      for (CSVRecord rec : p) bySerial.put(rec.get("serial"), rec);
    }
    return bySerial;
  }

  private static HttpResponse<byte[]> download(String name, String token) throws Exception {
    return get("/api/v1/accounts/" + account + "/reports/" + name, token);
  }

  private static HttpResponse<byte[]> send(String method, String path, String json)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(gw.httpBase().resolve(path))
            .header("Authorization", "Bearer " + support.token())
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theSiteFilterKeepsTheSitesDevicesOnly() throws Exception {
    Map<String, CSVRecord> rows =
        csv(
            get(
                "/api/v1/accounts/" + account + "/reports/my-renewals.csv?site=" + siteId,
                customer.token()));
    assertThat(rows).containsOnlyKeys(leadAcid.serial());
    assertEquals(SITE, rows.get(leadAcid.serial()).get("site"));
  }

  private static HttpResponse<byte[]> get(String path, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(gw.httpBase().resolve(path))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void publish(DeviceRegistration reg, String fields) {
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
    c.publishWith()
        .topic("ups/" + reg.serial() + "/telemetry")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(
            ("{\"ts\":\"" + Instant.now() + "\",\"seq\":1," + fields + "}")
                .getBytes(StandardCharsets.UTF_8))
        .send();
  }
}
