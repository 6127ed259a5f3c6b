package io.upsfleet.gateway.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Remote operations end to end (DOMAIN.md §6, RELIABILITY.md "HTTP API"): a real node on its own
 * PostgreSQL, the HTTP API, and a HiveMQ client playing the UPS: it subscribes to {@code
 * ups/{serial}/commands}, receives the JSON command, answers on {@code
 * ups/{serial}/commands/result} with progress and results, reports its firmware in telemetry and
 * reboots by disconnecting. Covers the plan gate (403 naming the plan), each operation's success
 * event, firmware success and interruption, delivery after a reconnect, expiry, tenancy (404,
 * nothing created), 400s listing allowed values, cancellation and idempotency keys.
 */
class RemoteOperationsIT {
  static final String MODEL = "SMT1500C";
  static final String OLD_FIRMWARE = "UPS 09.2 / ID=18";
  static final String NEW_FIRMWARE = "UPS 09.8 / ID=18";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static Http http;
  private static String supportToken;

  private final List<MqttDevice> devices = new ArrayList<>();

  @BeforeAll
  static void start() {
    gw =
        GatewayFixture.start(
            "RemoteOperationsIT",
            Map.of(
                "upsfleet.gateway.http.requests-per-second", 1000,
                "upsfleet.gateway.http.burst", 2000));
    support = gw.support();
    supportToken = support.token();
    http = new Http(gw.httpBase());
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  @AfterEach
  void disconnectDevices() {
    devices.forEach(MqttDevice::close);
  }

  // ------------------------------------------------------------------------------------ outlet
  // reboot

  @Test
  void anOutletRebootNeedsAdvancedAndThenReachesTheDeviceAndSucceeds() {
    String account = account("Reboot");
    DeviceRegistration reg = register(account);
    MqttDevice dev = online(reg);

    Http.Reply refused = http.post(commands(reg), supportToken, reboot(1));
    refused.expect(403);
    assertThat(refused.body().path("detail").asText()).contains("Advanced").contains("Standard");
    assertThat(list(reg)).as("nothing was created").isEmpty();

    makeAdvanced(account, reg.serial());
    Http.Reply accepted = http.post(commands(reg), supportToken, reboot(1)).expect(202);
    JsonNode view = accepted.body();
    String id = view.path("id").asText();
    assertThat(view.path("type").asText()).isEqualTo("OUTLET_GROUP_REBOOT");
    assertThat(view.path("status").asText())
        .as("accepted; SENT only once its PUBLISH was written")
        .isIn("PENDING", "SENT", "DELIVERED");
    assertThat(view.path("params").path("group").asText()).isEqualTo("1");
    assertThat(view.path("requestedBy").asText()).isEqualTo(GatewayFixture.SUPPORT_USER);

    JsonNode received = dev.nextCommand(WAIT);
    assertThat(received.path("id").asText()).isEqualTo(id);
    assertThat(received.path("type").asText()).isEqualTo("OUTLET_GROUP_REBOOT");
    assertThat(received.path("params").path("group").isInt()).isTrue();
    assertThat(received.path("params").path("group").asInt()).isEqualTo(1);
    assertThat(received.path("params").path("offDelaySeconds").asInt()).isEqualTo(5);
    assertThat(received.path("params").path("onDelaySeconds").asInt()).isEqualTo(10);
    Instant issued = Instant.parse(received.path("issuedAt").asText());
    assertThat(Instant.parse(received.path("expiresAt").asText()))
        .isEqualTo(issued.plusSeconds(3600));

    awaitCommand(
        reg,
        id,
        c -> assertThat(c.path("status").asText()).as("the PUBACK").isEqualTo("DELIVERED"));
    dev.result(id, "ACCEPTED", null, null, null, null);
    dev.result(id, "SUCCEEDED", null, null, null, null);
    awaitCommand(reg, id, c -> assertThat(c.path("status").asText()).isEqualTo("SUCCEEDED"));
    awaitEvents(reg, types -> assertThat(types).contains("OUTLET_GROUP_REBOOTED", "USER_ACTION"));
    DeviceEventView rebooted =
        events(reg).stream()
            .filter(e -> e.type().equals("OUTLET_GROUP_REBOOTED"))
            .findFirst()
            .orElseThrow();
    assertThat(rebooted.details()).containsEntry("group", "1").containsEntry("command", id);
  }

  // ------------------------------------------------------------------------------------ firmware

  @Test
  void aFirmwareUpgradeReportsProgressRebootsAndSucceedsOnTheNewVersion() {
    String account = account("Firmware");
    DeviceRegistration reg = register(account);
    MqttDevice dev = online(reg);
    dev.telemetry(OLD_FIRMWARE);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(support.device(reg.serial()).firmware()).isEqualTo(OLD_FIRMWARE);
              assertThat(support.device(reg.serial()).firmwareAvailable()).isEqualTo(NEW_FIRMWARE);
            });
    JsonNode catalogue = http.get("/api/v1/firmware", supportToken).expect(200).body();
    assertThat(catalogue.findValuesAsText("version")).contains(NEW_FIRMWARE);

    JsonNode view =
        http.post(commands(reg), supportToken, Map.of("type", "FIRMWARE_UPGRADE"))
            .expect(202)
            .body();
    String id = view.path("id").asText();
    assertThat(view.path("params").path("version").asText()).isEqualTo(NEW_FIRMWARE);
    assertThat(view.path("params").path("loadUnprotected").asText()).isEqualTo("true");

    JsonNode received = dev.nextCommand(WAIT);
    assertThat(received.path("id").asText()).isEqualTo(id);
    assertThat(received.path("params").path("version").asText()).isEqualTo(NEW_FIRMWARE);
    assertThat(received.path("params").path("loadUnprotected").isBoolean()).isTrue();

    dev.result(id, "IN_PROGRESS", "downloading", 40, null, null);
    awaitCommand(
        reg,
        id,
        c -> {
          assertThat(c.path("status").asText()).isEqualTo("ACKNOWLEDGED");
          assertThat(c.path("progress").asText()).isEqualTo("downloading 40%");
        });
    dev.result(id, "IN_PROGRESS", "installing", null, null, null);
    dev.result(id, "IN_PROGRESS", "rebooting", null, null, null);
    awaitCommand(reg, id, c -> assertThat(c.path("progress").asText()).isEqualTo("rebooting"));

    dev.close(); // the reboot
    MqttDevice back = online(reg);
    back.telemetry(NEW_FIRMWARE);
    awaitCommand(reg, id, c -> assertThat(c.path("status").asText()).isEqualTo("SUCCEEDED"));
    assertThat(support.device(reg.serial()).firmware()).isEqualTo(NEW_FIRMWARE);
    assertThat(support.device(reg.serial()).firmwareAvailable()).isNull();
    awaitEvents(
        reg,
        types ->
            assertThat(types)
                .contains("FIRMWARE_AVAILABLE", "FIRMWARE_UPDATED")
                .doesNotContain("FIRMWARE_FAILED"));
    assertThat(back.commands).as("an acknowledged command is not sent again").isEmpty();
  }

  @Test
  void aFirmwareUpgradeInterruptedByItsRebootFailsWithTheOldVersionStillReported() {
    String account = account("Interrupted");
    DeviceRegistration reg = register(account);
    MqttDevice dev = online(reg);
    dev.telemetry(OLD_FIRMWARE);
    await().atMost(WAIT).until(() -> OLD_FIRMWARE.equals(support.device(reg.serial()).firmware()));

    String id =
        http.post(commands(reg), supportToken, Map.of("type", "FIRMWARE_UPGRADE"))
            .expect(202)
            .body()
            .path("id")
            .asText();
    assertThat(dev.nextCommand(WAIT).path("id").asText()).isEqualTo(id);
    dev.result(id, "IN_PROGRESS", "downloading", 100, null, null);
    dev.result(id, "IN_PROGRESS", "rebooting", null, null, null);
    awaitCommand(reg, id, c -> assertThat(c.path("progress").asText()).isEqualTo("rebooting"));

    dev.close();
    MqttDevice back = online(reg);
    back.telemetry(OLD_FIRMWARE);
    awaitCommand(
        reg,
        id,
        c -> {
          assertThat(c.path("status").asText()).isEqualTo("FAILED");
          assertThat(c.path("reason").asText()).contains("interrupted").contains(OLD_FIRMWARE);
        });
    assertThat(support.device(reg.serial()).firmware()).isEqualTo(OLD_FIRMWARE);
    awaitEvents(
        reg,
        types -> assertThat(types).contains("FIRMWARE_FAILED").doesNotContain("FIRMWARE_UPDATED"));
  }

  // ------------------------------------------------------------------------------------
  // sensitivity, self-test

  @Test
  void anInputSensitivityChangeSucceedsAndIsLogged() {
    String account = account("Sensitivity");
    DeviceRegistration reg = register(account);
    MqttDevice dev = online(reg);
    String id =
        http.post(
                commands(reg),
                supportToken,
                Map.of("type", "SET_INPUT_SENSITIVITY", "sensitivity", "low"))
            .expect(202)
            .body()
            .path("id")
            .asText();
    JsonNode received = dev.nextCommand(WAIT);
    assertThat(received.path("id").asText()).isEqualTo(id);
    assertThat(received.path("type").asText()).isEqualTo("SET_INPUT_SENSITIVITY");
    assertThat(received.path("params").path("sensitivity").asText()).isEqualTo("low");

    dev.result(id, "SUCCEEDED", null, null, null, null);
    awaitCommand(reg, id, c -> assertThat(c.path("status").asText()).isEqualTo("SUCCEEDED"));
    awaitEvents(reg, types -> assertThat(types).contains("SENSITIVITY_CHANGED"));
    assertThat(support.device(reg.serial()).sensitivity().desired()).isEqualTo("low");
  }

  @Test
  void aFailedSelfTestBecomesSelfTestFailedMarkedAsATest() {
    String account = account("SelfTest");
    DeviceRegistration reg = register(account);
    MqttDevice dev = online(reg);
    String id =
        http.post(commands(reg), supportToken, Map.of("type", "SELF_TEST"))
            .expect(202)
            .body()
            .path("id")
            .asText();
    assertThat(dev.nextCommand(WAIT).path("type").asText()).isEqualTo("SELF_TEST");
    dev.result(id, "IN_PROGRESS", "testing", null, null, null);
    dev.result(id, "SUCCEEDED", null, null, null, "failed");
    awaitCommand(reg, id, c -> assertThat(c.path("status").asText()).isEqualTo("SUCCEEDED"));
    awaitEvents(
        reg,
        types -> assertThat(types).contains("SELF_TEST_FAILED").doesNotContain("SELF_TEST_PASSED"));
    DeviceEventView e =
        events(reg).stream()
            .filter(x -> x.type().equals("SELF_TEST_FAILED"))
            .findFirst()
            .orElseThrow();
    assertThat(e.cause()).isEqualTo("SELF_TEST");
    assertThat(e.severity()).isEqualToIgnoringCase("WARNING");
  }

  @Test
  void aFailedOrRejectedOperationEndsFailedWithTheDevicesReason() {
    String account = account("Rejected");
    DeviceRegistration reg = register(account);
    MqttDevice dev = online(reg);
    String id =
        http.post(commands(reg), supportToken, Map.of("type", "SELF_TEST"))
            .expect(202)
            .body()
            .path("id")
            .asText();
    dev.nextCommand(WAIT);
    dev.result(id, "REJECTED", null, null, "battery charging", null);
    awaitCommand(
        reg,
        id,
        c -> {
          assertThat(c.path("status").asText()).isEqualTo("FAILED");
          assertThat(c.path("reason").asText()).contains("rejected").contains("battery charging");
        });
  }

  // ------------------------------------------------------------------------------------ offline
  // devices

  @Test
  void aCommandForAnOfflineDeviceIsDeliveredWithTheSameIdWhenItReconnectsAndSubscribes() {
    String account = account("Offline");
    DeviceRegistration reg = register(account);
    online(reg).close();

    JsonNode pending =
        http.post(commands(reg), supportToken, Map.of("type", "SELF_TEST", "ttlSeconds", 600))
            .expect(202)
            .body();
    String id = pending.path("id").asText();
    assertThat(pending.path("status").asText()).isEqualTo("PENDING");
    assertThat(Instant.parse(pending.path("expiresAt").asText()))
        .isEqualTo(Instant.parse(pending.path("requestedAt").asText()).plusSeconds(600));

    // Connected but not yet subscribed: the command waits for the subscription, and is not SENT
    // before its PUBLISH leaves.
    MqttDevice dev = MqttDevice.connect(reg, gw.mqttPort(), false);
    devices.add(dev);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () -> assertThat(command(reg, id).path("status").asText()).isEqualTo("PENDING"));
    dev.subscribe();
    JsonNode received = dev.nextCommand(WAIT);
    assertThat(received.path("id").asText()).isEqualTo(id);
    assertThat(received.path("type").asText()).isEqualTo("SELF_TEST");
    awaitCommand(reg, id, c -> assertThat(c.path("status").asText()).isEqualTo("DELIVERED"));
    dev.result(id, "SUCCEEDED", null, null, null, "passed");
    awaitCommand(reg, id, c -> assertThat(c.path("status").asText()).isEqualTo("SUCCEEDED"));
    awaitEvents(reg, types -> assertThat(types).contains("SELF_TEST_PASSED"));
  }

  /** The plain case: the device comes back and subscribes at once. */
  @Test
  void aCommandForAnOfflineDeviceIsDeliveredWhenItComesBackWithinItsTtl() {
    String account = account("Back");
    DeviceRegistration reg = register(account);
    online(reg).close();
    String id =
        http.post(
                commands(reg),
                supportToken,
                Map.of("type", "SET_INPUT_SENSITIVITY", "sensitivity", "high"))
            .expect(202)
            .body()
            .path("id")
            .asText();

    MqttDevice dev = online(reg);
    JsonNode received = dev.nextCommand(WAIT);
    assertThat(received.path("id").asText()).isEqualTo(id);
    assertThat(received.path("params").path("sensitivity").asText()).isEqualTo("high");
  }

  /**
   * A flood of operations to an offline device: past the open-operation limit each is refused with
   * 429; every accepted one reaches the device exactly once, in the order accepted, through the
   * delivery window, and none is ever SENT that did not leave (RELIABILITY.md; issue 10).
   */
  @Test
  void aFloodOfOperationsToAnOfflineDeviceIsBoundedAndEveryAcceptedOneIsDeliveredOnceInOrder() {
    String account = account("Flood");
    DeviceRegistration reg = register(account);
    online(reg).close();
    List<String> accepted = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < 130; i++) {
      Http.Reply r = http.post(commands(reg), supportToken, Map.of("type", "SELF_TEST"));
      if (r.status() == 202) {
        accepted.add(r.body().path("id").asText());
      } else {
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.body().path("detail").asText()).contains("100 unfinished operations");
        refused++;
      }
    }
    assertThat(accepted).hasSize(100);
    assertThat(refused).isEqualTo(30);
    assertThat(list(reg))
        .allSatisfy(c -> assertThat(c.path("status").asText()).isEqualTo("PENDING"));

    MqttDevice dev = online(reg);
    List<String> received = new ArrayList<>();
    for (int i = 0; i < accepted.size(); i++) {
      received.add(dev.nextCommand(WAIT).path("id").asText());
    }
    assertThat(received).as("each exactly once, in the order accepted").isEqualTo(accepted);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(list(reg))
                    .allSatisfy(c -> assertThat(c.path("status").asText()).isEqualTo("DELIVERED")));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(2))
        .until(dev.commands::isEmpty);
  }

  @Test
  void aCommandWhoseTtlPassesWhileTheDeviceIsOfflineExpiresAndIsNeverDelivered() {
    String account = account("Expired");
    DeviceRegistration reg = register(account);
    online(reg).close();
    String id =
        http.post(commands(reg), supportToken, Map.of("type", "SELF_TEST", "ttlSeconds", 10))
            .expect(202)
            .body()
            .path("id")
            .asText();

    await()
        .atMost(Duration.ofSeconds(25))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              JsonNode c = command(reg, id);
              assertThat(c.path("status").asText()).isEqualTo("EXPIRED");
              assertThat(c.path("sentAt").isNull() || c.path("sentAt").isMissingNode())
                  .as("never sent")
                  .isTrue();
            });
    MqttDevice dev = online(reg);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> dev.commands.isEmpty());
    assertThat(command(reg, id).path("status").asText()).isEqualTo("EXPIRED");
  }

  @Test
  void aPendingCommandCanBeCancelledOnceAndIsThenNeverDelivered() {
    String account = account("Cancel");
    DeviceRegistration reg = register(account);
    String id =
        http.post(commands(reg), supportToken, Map.of("type", "SELF_TEST"))
            .expect(202)
            .body()
            .path("id")
            .asText();
    JsonNode cancelled =
        http.post(commands(reg) + "/" + id + "/cancel", supportToken, null).expect(200).body();
    assertThat(cancelled.path("status").asText()).isEqualTo("CANCELLED");
    http.post(commands(reg) + "/" + id + "/cancel", supportToken, null).expect(409);
    http.get(commands(reg) + "/no-such-command", supportToken).expect(404);

    MqttDevice dev = online(reg);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(2))
        .until(() -> dev.commands.isEmpty());
  }

  // ------------------------------------------------------------------------------------ the API's
  // promises

  @Test
  void anotherAccountsDeviceIsNotFoundAndNothingIsCreated() {
    String mine = account("Tenant A");
    String theirs = account("Tenant B");
    DeviceRegistration reg = register(theirs);
    makeAdvanced(theirs, reg.serial());
    String user = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(mine, user, "a-long-password-123", "ACCOUNT_ADMIN");
    String token = token(user, "a-long-password-123");

    for (Object body :
        List.of(reboot(1), Map.of("type", "SELF_TEST"), Map.of("type", "FIRMWARE_UPGRADE"))) {
      http.post(commands(reg), token, body).expect(404);
    }
    http.get(commands(reg), token).expect(404);
    String real =
        http.post(commands(reg), supportToken, Map.of("type", "SELF_TEST"))
            .expect(202)
            .body()
            .path("id")
            .asText();
    http.get(commands(reg) + "/" + real, token).expect(404);
    http.post(commands(reg) + "/" + real + "/cancel", token, null).expect(404);
    http.post("/api/v1/devices/NOSUCHDEVICE1/commands", token, Map.of("type", "SELF_TEST"))
        .expect(404);

    List<JsonNode> all = list(reg);
    assertThat(all).hasSize(1);
    assertThat(all.get(0).path("id").asText()).isEqualTo(real);
    assertThat(all.get(0).path("status").asText())
        .as("the foreign cancel changed nothing")
        .isEqualTo("PENDING");
  }

  @Test
  void invalidValuesAre400ListingTheAllowedValuesAndCreateNothing() {
    String account = account("Invalid");
    DeviceRegistration reg = register(account);
    makeAdvanced(account, reg.serial());

    Http.Reply group = http.post(commands(reg), supportToken, reboot(99)).expect(400);
    assertThat(group.body().toString()).contains("group").contains("[0, 1, 2]");
    Http.Reply sensitivity =
        http.post(
                commands(reg),
                supportToken,
                Map.of("type", "SET_INPUT_SENSITIVITY", "sensitivity", "ultra"))
            .expect(400);
    assertThat(sensitivity.body().toString())
        .contains("sensitivity")
        .contains("high")
        .contains("medium")
        .contains("low");
    Http.Reply type =
        http.post(commands(reg), supportToken, Map.of("type", "SELF_DESTRUCT")).expect(400);
    assertThat(type.body().toString())
        .contains("OUTLET_GROUP_REBOOT")
        .contains("FIRMWARE_UPGRADE")
        .contains("SET_INPUT_SENSITIVITY")
        .contains("SELF_TEST");
    http.post(commands(reg), supportToken, Map.of("type", "SELF_TEST", "ttlSeconds", 5))
        .expect(400);
    Http.Reply beyondModel = http.post(commands(reg), supportToken, reboot(2)).expect(400);
    assertThat(beyondModel.body().path("detail").asText())
        .as("SMT1500C has groups 0 and 1")
        .contains("0..1");
    assertThat(group.raw()).doesNotContain("Exception").doesNotContain("at io.");
    assertThat(list(reg)).isEmpty();
  }

  @Test
  void theSameIdempotencyKeyGivesOneCommandAndTheSameAnswerTwice() {
    String account = account("Idempotent");
    DeviceRegistration reg = register(account);
    Map<String, String> key = Map.of("Idempotency-Key", "key-" + reg.serial());
    Http.Reply first =
        http.send("POST", commands(reg), supportToken, Map.of("type", "SELF_TEST"), key)
            .expect(202);
    Http.Reply second =
        http.send("POST", commands(reg), supportToken, Map.of("type", "SELF_TEST"), key)
            .expect(202);
    assertThat(second.body()).isEqualTo(first.body());
    Http.Reply other =
        http.send(
                "POST",
                commands(reg),
                supportToken,
                Map.of("type", "SELF_TEST"),
                Map.of("Idempotency-Key", "other-" + reg.serial()))
            .expect(202);
    assertThat(other.body().path("id").asText()).isNotEqualTo(first.body().path("id").asText());
    assertThat(list(reg)).hasSize(2);
  }

  // ------------------------------------------------------------------------------------ helpers

  private String account(String name) {
    return support.createAccount(name + " " + GatewayFixture.uniqueSerial()).id();
  }

  private DeviceRegistration register(String account) {
    return support.registerDevice(GatewayFixture.uniqueSerial(), MODEL, account);
  }

  /** Connects the device and subscribes it to its command topic. */
  private MqttDevice online(DeviceRegistration reg) {
    MqttDevice d = MqttDevice.connect(reg, gw.mqttPort(), true);
    devices.add(d);
    return d;
  }

  static String commands(DeviceRegistration reg) {
    return "/api/v1/devices/" + reg.serial() + "/commands";
  }

  private static Map<String, Object> reboot(int group) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "OUTLET_GROUP_REBOOT");
    body.put("group", group);
    body.put("offDelaySeconds", 5);
    body.put("onDelaySeconds", 10);
    body.put("ttlSeconds", 3600);
    return body;
  }

  private static List<JsonNode> list(DeviceRegistration reg) {
    List<JsonNode> out = new ArrayList<>();
    http.get(commands(reg) + "?size=100", supportToken)
        .expect(200)
        .body()
        .path("items")
        .forEach(out::add);
    return out;
  }

  private static JsonNode command(DeviceRegistration reg, String id) {
    return http.get(commands(reg) + "/" + id, supportToken).expect(200).body();
  }

  private static void awaitCommand(DeviceRegistration reg, String id, Consumer<JsonNode> check) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> check.accept(command(reg, id)));
  }

  private static List<DeviceEventView> events(DeviceRegistration reg) {
    return support.events(reg.serial(), Map.of("size", "200")).items();
  }

  private static void awaitEvents(DeviceRegistration reg, Consumer<List<String>> check) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> check.accept(events(reg).stream().map(DeviceEventView::type).toList()));
  }

  /**
   * Buys, redeems and assigns Advanced 1Y for {@code serials} through the licensing API (support).
   */
  static void makeAdvanced(String accountId, String... serials) {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("poNumber", "PO-" + GatewayFixture.uniqueSerial());
    order.put("sku", "SMARTCONNECT-ADVANCED-1Y");
    order.put("quantity", serials.length);
    order.put("channel", "ONLINE");
    order.put("installerEmail", "i@example.com");
    String code =
        http.post("/api/v1/license-orders", supportToken, order)
            .expect(201)
            .body()
            .path("code")
            .asText();
    http.post(
            "/api/v1/activation-codes/" + code + "/redeem",
            supportToken,
            Map.of("accountId", accountId))
        .expect(200);
    http.post(
            "/api/v1/assignments",
            supportToken,
            Map.of("code", code, "serials", List.of(serials), "accountId", accountId))
        .expect(200);
    for (String serial : serials) {
      await().atMost(WAIT).until(() -> "ADVANCED".equals(support.device(serial).plan().plan()));
    }
  }

  /** A bearer token issued by the node directly: HTTP sign-in is throttled per client address. */
  private static String token(String username, String password) {
    try {
      return gw.node()
          .cluster()
          .accounts()
          .issueToken(username, password)
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS)
          .orElseThrow()
          .token();
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------------ the HTTP
  // API

  /** The HTTP API over java.net.http: JSON bodies in, status and JSON out. Thread-safe. */
  static final class Http {
    static final ObjectMapper JSON =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    private final URI base;
    private final HttpClient client =
        ContractHttpClient.checked(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build());

    Http(URI base) {
      this.base = base;
    }

    /** One answer; {@code body} is the parsed JSON (a missing node when the body is empty). */
    record Reply(int status, JsonNode body, String raw) {
      Reply expect(int expected) {
        assertThat(status).as("answer " + status + " " + raw).isEqualTo(expected);
        return this;
      }
    }

    Reply get(String path, String token) {
      return send("GET", path, token, null, Map.of());
    }

    Reply post(String path, String token, Object body) {
      return send("POST", path, token, body, Map.of());
    }

    Reply send(String method, String path, String token, Object body, Map<String, String> headers) {
      try {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        if (body != null) {
          b.header("Content-Type", "application/json");
          b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
          b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json =
            r.body() == null || r.body().isBlank() ? JSON.missingNode() : JSON.readTree(r.body());
        return new Reply(r.statusCode(), json, r.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  // ------------------------------------------------------------------------------------ the UPS

  /**
   * A UPS over MQTT 3.1.1 (HiveMQ async client): QoS 1 telemetry and command results; received
   * commands are queued as JSON (and handed to {@code onCommand}, if set, on HiveMQ's callback
   * thread).
   */
  static final class MqttDevice implements AutoCloseable {
    private static final Map<String, AtomicLong> SEQ = new ConcurrentHashMap<>();
    final String serial;
    final Mqtt3AsyncClient client;
    final BlockingQueue<JsonNode> commands = new LinkedBlockingQueue<>();
    private final AtomicLong seq;
    volatile Consumer<JsonNode> onCommand;

    private MqttDevice(String serial, Mqtt3AsyncClient client) {
      this.serial = serial;
      this.client = client;
      this.seq = SEQ.computeIfAbsent(serial, s -> new AtomicLong());
    }

    static MqttDevice connect(DeviceRegistration reg, int port, boolean subscribe) {
      return connect(reg.serial(), reg.secret(), port, subscribe, null);
    }

    static MqttDevice connect(
        String serial, String secret, int port, boolean subscribe, Consumer<JsonNode> onCommand) {
      Mqtt3AsyncClient c =
          Mqtt3Client.builder()
              .identifier(serial)
              .serverHost("127.0.0.1")
              .serverPort(port)
              .simpleAuth()
              .username(serial)
              .password(secret.getBytes(UTF_8))
              .applySimpleAuth()
              .buildAsync();
      MqttDevice d = new MqttDevice(serial, c);
      d.onCommand = onCommand;
      join(c.connect());
      if (subscribe) d.subscribe();
      return d;
    }

    void subscribe() {
      join(
          client
              .subscribeWith()
              .topicFilter("ups/" + serial + "/commands")
              .qos(MqttQos.AT_LEAST_ONCE)
              .callback(
                  p -> {
                    try {
                      JsonNode json = Http.JSON.readTree(p.getPayloadAsBytes());
                      commands.add(json);
                      Consumer<JsonNode> handler = onCommand;
                      if (handler != null) handler.accept(json);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .send());
    }

    JsonNode nextCommand(Duration timeout) {
      try {
        JsonNode c = commands.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(c).as("a command for " + serial).isNotNull();
        return c;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    void telemetry(String firmware) {
      join(telemetryAsync(firmware));
    }

    CompletableFuture<?> telemetryAsync(String firmware) {
      ObjectNode t = Http.JSON.createObjectNode();
      t.put("ts", Instant.now().toString());
      t.put("seq", seq.incrementAndGet());
      t.put("ups.status", "OL");
      t.put("ups.firmware", firmware);
      return publish("ups/" + serial + "/telemetry", t);
    }

    void result(
        String id, String status, String phase, Integer percent, String reason, String result) {
      join(resultAsync(id, status, phase, percent, reason, result));
    }

    CompletableFuture<?> resultAsync(
        String id, String status, String phase, Integer percent, String reason, String result) {
      ObjectNode r = Http.JSON.createObjectNode();
      r.put("ts", Instant.now().toString());
      r.put("seq", seq.incrementAndGet());
      r.put("id", id);
      r.put("status", status);
      if (phase != null) {
        ObjectNode progress = r.putObject("progress");
        progress.put("phase", phase);
        if (percent != null) progress.put("percent", percent);
      }
      if (reason != null) r.put("reason", reason);
      if (result != null) r.put("result", result);
      return publish("ups/" + serial + "/commands/result", r);
    }

    private CompletableFuture<?> publish(String topic, JsonNode json) {
      try {
        return client
            .publishWith()
            .topic(topic)
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload(Http.JSON.writeValueAsBytes(json))
            .send();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      if (client.getState().isConnected()) join(client.disconnect());
    }

    static <T> T join(CompletableFuture<T> f) {
      try {
        return f.get(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
