package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deregistering a device: its connected session is closed and its credentials are refused at once,
 * it leaves lists and counts, its event log stays, and its remaining paid time is lost (the serial
 * registered again starts anew).
 */
class DeviceLifecycleIT {
  private static final String PASSWORD = "a-long-password-123";
  private static final HttpClient http = ContractHttpClient.checked(HttpClient.newHttpClient());
  private static GatewayFixture gw;

  @BeforeAll
  static void start() {
    gw = GatewayFixture.start("DeviceLifecycleIT");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static Mqtt3BlockingClient device(
      String serial, String secret, CountDownLatch disconnected) {
    return Mqtt3Client.builder()
        .identifier(serial)
        .serverHost("127.0.0.1")
        .serverPort(gw.mqttPort())
        .simpleAuth()
        .username(serial)
        .password(secret.getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth()
        .addDisconnectedListener(c -> disconnected.countDown())
        .buildBlocking();
  }

  private static int delete(String token, String serial) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(gw.httpBase() + "/api/v1/devices/" + serial))
                .header("Authorization", "Bearer " + token)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int loggedEvents(String serial) throws Exception {
    return gw.node()
        .cluster()
        .jdbc()
        .run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT count(*) FROM device_events WHERE serial = ?")) {
                ps.setString(1, serial);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getInt(1);
                }
              }
            })
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDeregisteredDeviceIsDisconnectedRefusedAndGoneFromListsButItsLogStays() throws Exception {
    UpsfleetClient support = gw.support();
    String account = support.createAccount("Leaving Co").id();
    String adminName = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(account, adminName, PASSWORD, "ACCOUNT_ADMIN");
    UpsfleetClient admin = gw.client(adminName, PASSWORD);
    String serial = GatewayFixture.uniqueSerial();
    String stays = GatewayFixture.uniqueSerial();
    DeviceRegistration reg = admin.registerDevice(serial, "SMT1500C", account);
    admin.registerDevice(stays, "SMT1500C", account);
    // A year of Advanced, paid.
    gw.node()
        .cluster()
        .devices()
        .applyEntitlements(
            serial,
            "asg-deregister-1",
            List.of(
                new Grant(
                    Sku.parse("SMARTCONNECT-ADVANCED-1Y").orElseThrow(), TermSource.LICENSE, null)),
            "test")
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(admin.device(serial).plan().plan()).isEqualTo("ADVANCED");

    CountDownLatch disconnected = new CountDownLatch(1);
    Mqtt3BlockingClient device = device(serial, reg.secret(), disconnected);
    device.connectWith().keepAlive(30).send();
    device
        .publishWith()
        .topic(reg.mqtt().telemetryTopic())
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(
            ("{\"ts\":\"" + Instant.now() + "\",\"seq\":1,\"ups.status\":\"OB DISCHRG\"}")
                .getBytes(StandardCharsets.UTF_8))
        .send();
    await().atMost(Duration.ofSeconds(10)).until(() -> loggedEvents(serial) > 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> admin.devices(Map.of()).total() == 2 && admin.deviceCounts(account).total() == 2);

    assertThat(delete(admin.token(), serial)).isEqualTo(204);

    assertThat(disconnected.await(10, TimeUnit.SECONDS)).isTrue();
    Mqtt3BlockingClient again = device(serial, reg.secret(), new CountDownLatch(1));
    assertThatThrownBy(() -> again.connectWith().keepAlive(30).send())
        .isInstanceOf(Mqtt3ConnAckException.class);
    assertThatThrownBy(() -> admin.device(serial))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(404));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(admin.devices(Map.of()).items())
                  .extracting(d -> d.serial())
                  .containsExactly(stays);
              assertThat(admin.deviceCounts(account).total()).isEqualTo(1);
            });
    assertThat(loggedEvents(serial)).isPositive();
    assertThat(delete(admin.token(), serial)).isEqualTo(404);

    // Registered again, it starts anew: the paid Advanced time is gone.
    DeviceRegistration back = admin.registerDevice(serial, "SMT1500C", account);
    assertThat(back.secret()).isNotEqualTo(reg.secret());
    assertThat(admin.device(serial).plan().plan()).isNotEqualTo("ADVANCED");
  }

  @Test
  void aRotatedSecretReplacesTheOldOneOnceTheDeviceConnectsWithIt() throws Exception {
    UpsfleetClient support = gw.support();
    String account = support.createAccount("Rotating Co").id();
    String serial = GatewayFixture.uniqueSerial();
    DeviceRegistration reg = support.registerDevice(serial, "SMT1500C", account);
    CountDownLatch first = new CountDownLatch(1);
    Mqtt3BlockingClient before = device(serial, reg.secret(), first);
    before.connectWith().keepAlive(30).send(); // cached by the node with the old secret

    String rotated = rotate(support.token(), serial);
    assertThat(rotated).isNotEqualTo(reg.secret());
    // Until the device uses the new secret, the old one still works (a device that has not
    // fetched it yet is not locked out).
    Mqtt3BlockingClient old = device(serial, reg.secret(), new CountDownLatch(1));
    old.connectWith().keepAlive(30).send();
    old.disconnect();
    Mqtt3BlockingClient fresh = device(serial, rotated, new CountDownLatch(1));
    fresh.connectWith().keepAlive(30).send();
    fresh.disconnect();
    Mqtt3BlockingClient stale = device(serial, reg.secret(), new CountDownLatch(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> stale.connectWith().keepAlive(30).send())
                    .isInstanceOf(Mqtt3ConnAckException.class));
    Mqtt3BlockingClient again = device(serial, rotated, new CountDownLatch(1));
    again.connectWith().keepAlive(30).send();
    again.disconnect();
  }

  private static String rotate(String token, String serial) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(gw.httpBase() + "/api/v1/devices/" + serial + "/secret"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body()).get("secret").asText();
  }

  @Test
  void aTransferredDeviceKeepsItsPlanAndLeavesItsEventLogBehind() throws Exception {
    UpsfleetClient support = gw.support();
    String from = support.createAccount("Seller Co").id();
    String to = support.createAccount("Buyer Co").id();
    String sellerName = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    String buyerName = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(from, sellerName, PASSWORD, "ACCOUNT_ADMIN");
    support.createUser(to, buyerName, PASSWORD, "ACCOUNT_ADMIN");
    UpsfleetClient seller = gw.client(sellerName, PASSWORD);
    UpsfleetClient buyer = gw.client(buyerName, PASSWORD);
    String serial = GatewayFixture.uniqueSerial();
    DeviceRegistration reg = support.registerDevice(serial, "SMT1500C", from);
    gw.node()
        .cluster()
        .devices()
        .applyEntitlements(
            serial,
            "asg-transfer-1",
            List.of(
                new Grant(
                    Sku.parse("SMARTCONNECT-ADVANCED-1Y").orElseThrow(), TermSource.LICENSE, null)),
            "test")
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    var planBefore = seller.device(serial).plan();
    CountDownLatch disconnected = new CountDownLatch(1);
    Mqtt3BlockingClient device = device(serial, reg.secret(), disconnected);
    device.connectWith().keepAlive(30).send();
    device
        .publishWith()
        .topic(reg.mqtt().telemetryTopic())
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(
            ("{\"ts\":\"" + Instant.now() + "\",\"seq\":1,\"ups.status\":\"OB DISCHRG\"}")
                .getBytes(StandardCharsets.UTF_8))
        .send();
    await().atMost(Duration.ofSeconds(10)).until(() -> seller.events(serial, Map.of()).total() > 0);

    HttpResponse<String> moved =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(gw.httpBase() + "/api/v1/devices/" + serial + "/transfer"))
                .header("Authorization", "Bearer " + support.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"accountId\":\"" + to + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);

    assertThat(buyer.device(serial).plan()).isEqualTo(planBefore);
    assertThat(buyer.device(serial).plan().plan()).isEqualTo("ADVANCED");
    assertThatThrownBy(() -> seller.device(serial))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(404));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(buyer.devices(Map.of()).items())
                  .extracting(d -> d.serial())
                  .containsExactly(serial);
              assertThat(seller.deviceCounts(from).total()).isZero();
            });
    // The log so far stays with the seller: the buyer sees none of it, the table keeps it.
    assertThat(buyer.events(serial, Map.of()).total()).isZero();
    assertThat(loggedEvents(serial)).isPositive();
    // The device keeps working with its secret, now for the buyer.
    device
        .publishWith()
        .topic(reg.mqtt().telemetryTopic())
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(
            ("{\"ts\":\"" + Instant.now() + "\",\"seq\":2,\"ups.status\":\"OL CHRG\"}")
                .getBytes(StandardCharsets.UTF_8))
        .send();
    await().atMost(Duration.ofSeconds(10)).until(() -> buyer.events(serial, Map.of()).total() > 0);
    device.disconnect();
  }

  @Test
  void anotherAccountsDeviceCannotBeDeregistered() throws Exception {
    UpsfleetClient support = gw.support();
    String mine = support.createAccount("Mine Co").id();
    String theirs = support.createAccount("Theirs Co").id();
    String adminName = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(mine, adminName, PASSWORD, "ACCOUNT_ADMIN");
    String serial = GatewayFixture.uniqueSerial();
    support.registerDevice(serial, "SMT1500C", theirs);
    assertThat(delete(gw.client(adminName, PASSWORD).token(), serial)).isEqualTo(404);
    assertThat(support.device(serial).serial()).isEqualTo(serial);
  }
}
