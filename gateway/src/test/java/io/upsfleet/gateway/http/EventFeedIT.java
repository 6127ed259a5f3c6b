package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/events}: a customer sees their account's events only, support all or one
 * account; filters on type, severity and device; newest first; a cursor that neither repeats nor
 * skips while events arrive; CSV of the same filter.
 */
class EventFeedIT {
  private static final String PASSWORD = "a-long-password-123";
  private static final HttpClient http = ContractHttpClient.checked(HttpClient.newHttpClient());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static String accountA;
  private static String accountB;
  private static String serialA;
  private static String serialB;
  private static Mqtt3BlockingClient deviceA;
  private static DeviceRegistration regA;
  private static String adminA;
  private static int seqA = 0;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start("EventFeedIT");
    support = gw.support();
    accountA = support.createAccount("Feed A").id();
    accountB = support.createAccount("Feed B").id();
    support.createUser(accountA, "feed-admin-a", PASSWORD, "ACCOUNT_VIEWER");
    adminA = gw.client("feed-admin-a", PASSWORD).token();
    serialA = GatewayFixture.uniqueSerial();
    serialB = GatewayFixture.uniqueSerial();
    regA = support.registerDevice(serialA, "SMT1500C", accountA);
    DeviceRegistration regB = support.registerDevice(serialB, "SMT1500C", accountB);
    deviceA = connect(serialA, regA);
    Mqtt3BlockingClient deviceB = connect(serialB, regB);
    outage(deviceA, regA);
    int[] seqB = {0};
    publish(deviceB, regB, ++seqB[0], "OB DISCHRG");
    publish(deviceB, regB, ++seqB[0], "OL CHRG");
    await().atMost(Duration.ofSeconds(10)).until(() -> items(support.token(), "").size() >= 4);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static Mqtt3BlockingClient connect(String serial, DeviceRegistration reg) {
    Mqtt3BlockingClient c =
        Mqtt3Client.builder()
            .identifier(serial)
            .serverHost("127.0.0.1")
            .serverPort(gw.mqttPort())
            .simpleAuth()
            .username(serial)
            .password(reg.secret().getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    c.connectWith().keepAlive(60).send();
    return c;
  }

  private static void outage(Mqtt3BlockingClient device, DeviceRegistration reg) {
    publish(device, reg, ++seqA, "OB DISCHRG");
    publish(device, reg, ++seqA, "OL CHRG");
  }

  private static void publish(
      Mqtt3BlockingClient device, DeviceRegistration reg, int seq, String status) {
    device
        .publishWith()
        .topic(reg.mqtt().telemetryTopic())
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(
            ("{\"ts\":\""
                    + Instant.now()
                    + "\",\"seq\":"
                    + seq
                    + ",\"ups.status\":\""
                    + status
                    + "\"}")
                .getBytes(StandardCharsets.UTF_8))
        .send();
  }

  private static HttpResponse<String> get(String token, String query, String accept)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.httpBase() + "/api/v1/events" + query))
            .header("Authorization", "Bearer " + token);
    if (accept != null) b.header("Accept", accept);
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode page(String token, String query) throws Exception {
    HttpResponse<String> r = get(token, query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<JsonNode> items(String token, String query) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    page(token, query).get("items").forEach(out::add);
    return out;
  }

  @Test
  void aCustomerSeesOnlyTheirAccountAndSupportAllOrOne() throws Exception {
    assertThat(items(adminA, "")).extracting(n -> n.get("serial").asText()).containsOnly(serialA);
    assertThat(items(support.token(), "?accountId=" + accountB))
        .extracting(n -> n.get("serial").asText())
        .containsOnly(serialB);
    assertThat(items(support.token(), ""))
        .extracting(n -> n.get("serial").asText())
        .contains(serialA, serialB);
    assertThat(get(adminA, "?accountId=" + accountB, null).statusCode()).isEqualTo(404);
  }

  @Test
  void filtersAreAppliedOnTheServerAndTheNewestComesFirst() throws Exception {
    List<JsonNode> onBattery = items(support.token(), "?type=ON_BATTERY");
    assertThat(onBattery).extracting(n -> n.get("type").asText()).containsOnly("ON_BATTERY");
    assertThat(onBattery).extracting(n -> n.get("serial").asText()).contains(serialA, serialB);
    assertThat(items(support.token(), "?serial=" + serialB))
        .extracting(n -> n.get("serial").asText())
        .containsOnly(serialB);
    List<JsonNode> all = items(support.token(), "?serial=" + serialA);
    List<Instant> times = new ArrayList<>();
    all.forEach(n -> times.add(Instant.parse(n.get("occurredAt").asText())));
    assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
    String severity = all.get(0).get("severity").asText();
    assertThat(items(support.token(), "?serial=" + serialA + "&severity=" + severity))
        .extracting(n -> n.get("severity").asText())
        .containsOnly(severity);
    assertThat(get(support.token(), "?type=NO_SUCH", null).statusCode()).isEqualTo(400);
    assertThat(get(support.token(), "?site=Lyon", null).statusCode()).isEqualTo(400);
  }

  @Test
  void theSiteFilterKeepsTheEventsOfTheSitesDevices() throws Exception {
    String site =
        JSON.readTree(
                send("POST", "/api/v1/accounts/" + accountA + "/sites", "{\"name\":\"Feed site\"}")
                    .body())
            .get("id")
            .asText();
    assertThat(
            send("PATCH", "/api/v1/devices/" + serialA, "{\"siteId\":\"" + site + "\"}")
                .statusCode())
        .isEqualTo(200);
    assertThat(items(support.token(), "?site=" + site))
        .isNotEmpty()
        .extracting(n -> n.get("serial").asText())
        .containsOnly(serialA);
  }

  private static HttpResponse<String> send(String method, String path, String json)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(gw.httpBase() + path))
            .header("Authorization", "Bearer " + support.token())
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theCursorNeitherRepeatsNorSkipsWhileEventsArrive() throws Exception {
    String filter = "?serial=" + serialA;
    int before = items(adminA, filter).size();
    JsonNode first = page(adminA, filter + "&size=1");
    Set<String> seen = new HashSet<>();
    first.get("items").forEach(n -> seen.add(n.get("serial").asText() + n.get("seq").asText()));
    outage(deviceA, regA); // newer events arrive between pages
    await().atMost(Duration.ofSeconds(10)).until(() -> items(adminA, filter).size() >= before + 2);
    String next = first.get("next").asText();
    int pages = 1;
    while (next != null) {
      JsonNode page =
          page(adminA, filter + "&size=1&after=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
      for (JsonNode n : page.get("items")) {
        assertThat(seen.add(n.get("serial").asText() + n.get("seq").asText())).isTrue();
      }
      next = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    }
    assertThat(seen).hasSize(before);
    assertThat(pages).isEqualTo(before);
  }

  @Test
  void theSameFilterExportsAsCsv() throws Exception {
    HttpResponse<String> byHeader = get(adminA, "?type=ON_BATTERY", "text/csv");
    assertThat(byHeader.statusCode()).isEqualTo(200);
    assertThat(byHeader.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    List<String> lines = byHeader.body().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("occurredAt,accountId,serial,seq,type,severity,cause,deviceTime,details");
    assertThat(lines.subList(1, lines.size()))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("," + serialA + ",").contains(",ON_BATTERY,"));
    assertThat(get(adminA, "?type=ON_BATTERY&format=csv", null).body()).isEqualTo(byHeader.body());
  }
}
