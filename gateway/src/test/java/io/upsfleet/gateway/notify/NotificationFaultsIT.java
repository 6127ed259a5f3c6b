package io.upsfleet.gateway.notify;

import static io.upsfleet.gateway.notify.NotifyDevices.onBattery;
import static io.upsfleet.gateway.notify.NotifyDevices.publish;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.gateway.notify.WebhookReceiver.Post;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.FreePorts;
import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.gateway.testing.NodeProcess;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Notifications under the two faults that threaten "nothing is lost": a node killed with SIGKILL
 * while the receiver is still reading its message (no shutdown, its lease left in the outbox), and
 * the database cut while a message is in flight (the receiver has it, the node cannot record that
 * it was sent). Either way the message reaches the receiver again with the same idempotency key
 * (the documented at-least-once retry) and ends {@code SENT}; no other copy is made.
 */
class NotificationFaultsIT {
  private static final List<String> FAST_DISPATCH =
      List.of(
          "-Dupsfleet.notifications.allow-loopback=true",
          "-Dupsfleet.notifications.blip-window=0s",
          "-Dupsfleet.notifications.connect-timeout=1s",
          "-Dupsfleet.notifications.read-timeout=2s",
          "-Dupsfleet.notifications.dispatch.lease=4s",
          "-Dupsfleet.notifications.dispatch.poll-interval=100ms");

  @Test
  void aNodeKilledMidDispatchLosesNothing() throws Exception {
    Path work =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "notify-kill-");
    DatabaseSettings db = TestDatabases.fresh("NotificationKillIT");
    int[][] ports = FreePorts.freePorts(2, 3);
    NodeProcess first = null;
    NodeProcess second = null;
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      first = node("node-a", work, db, ports[0]);
      first.awaitReady(Duration.ofSeconds(150));
      Api api = httpApi(first.url(), first.client().token());
      Setup s = setUp(api, receiver);
      CountDownLatch held = receiver.hold("/r");
      Mqtt3BlockingClient device = connect(s, first.mqttPort);
      publish(device, s.serial, 1, "OL CHRG");
      publish(device, s.serial, 2, "OB DISCHRG");
      await().atMost(Duration.ofSeconds(30)).until(() -> onBattery(receiver).size() == 1);

      first.kill(); // SIGKILL while the receiver has not answered
      held.countDown();

      NodeProcess next = node("node-b", work, db, ports[1]);
      second = next;
      next.awaitReady(Duration.ofSeconds(150));
      Api api2 = httpApi(next.url(), next.client().token());
      await().atMost(Duration.ofSeconds(60)).until(() -> onBattery(receiver).size() >= 2);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> onBatteryStatus(api2.call("GET", s.deliveries, null)), "SENT"::equals);
      assertOneKey(receiver);
    } finally {
      if (first != null) first.kill();
      if (second != null) second.kill();
    }
  }

  @Test
  void aDatabaseCutMidDispatchLosesNothing() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        GatewayFixture gw =
            GatewayFixture.startBehindProxy(
                "NotificationDbCutIT",
                Map.<String, Object>of(
                    "upsfleet.notifications.allow-loopback", true,
                    "upsfleet.notifications.blip-window", "0s",
                    "upsfleet.notifications.connect-timeout", "1s",
                    "upsfleet.notifications.read-timeout", "2s",
                    "upsfleet.notifications.dispatch.lease", "4s",
                    "upsfleet.notifications.dispatch.poll-interval", "100ms"))) {
      Api api = httpApi(URI.create(gw.httpBase().toString()), gw.support().token());
      Setup s = setUp(api, receiver);
      CountDownLatch held = receiver.hold("/r");
      Mqtt3BlockingClient device = connect(s, gw.mqttPort());
      publish(device, s.serial, 1, "OL CHRG");
      publish(device, s.serial, 2, "OB DISCHRG");
      await().atMost(Duration.ofSeconds(30)).until(() -> onBattery(receiver).size() == 1);

      gw.proxy().cut(); // the receiver answers, but the node cannot record it
      held.countDown();
      // Longer than the lease: no node can claim or mark anything meanwhile.
      Thread.sleep(6_000);
      assertThat(onBattery(receiver)).as("nothing re-sent while the database is away").hasSize(1);
      gw.proxy().heal();

      await().atMost(Duration.ofSeconds(60)).until(() -> onBattery(receiver).size() >= 2);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> onBatteryStatus(api.call("GET", s.deliveries, null)), "SENT"::equals);
      assertOneKey(receiver);
    }
  }

  /** The ON_BATTERY message, however often it was posted, always carried the same key. */
  private static void assertOneKey(WebhookReceiver receiver) {
    List<Post> posts = onBattery(receiver);
    assertThat(posts.stream().map(p -> p.header("X-Upsfleet-Delivery")).distinct())
        .as("one idempotency key for every copy")
        .hasSize(1);
  }

  private static NodeProcess node(String name, Path work, DatabaseSettings db, int[] ports)
      throws Exception {
    String self = "pekko://upsfleet@127.0.0.1:" + ports[0];
    return NodeProcess.start(name, work, db, self, ports[0], ports[1], ports[2], FAST_DISPATCH);
  }

  private interface Api {
    String call(String method, String path, String body) throws Exception;
  }

  private static final HttpClient HTTP = ContractHttpClient.checked(HttpClient.newHttpClient());

  /** Calls of the API at {@code base} with {@code token}; any status of 300 or more throws. */
  private static Api httpApi(URI base, String token) {
    return (method, path, body) -> {
      HttpRequest request =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) throw new IllegalStateException(r.statusCode() + " " + r.body());
      return r.body();
    };
  }

  private record Setup(String serial, String secret, String deliveries) {}

  private static Setup setUp(Api api, WebhookReceiver receiver) throws Exception {
    String account =
        WebhookReceiver.JSON
            .readTree(
                api.call(
                    "POST",
                    "/api/v1/accounts",
                    "{\"name\":\"faults " + GatewayFixture.uniqueSerial() + "\"}"))
            .path("id")
            .asText();
    JsonNode dest =
        WebhookReceiver.JSON.readTree(
            api.call(
                "POST",
                "/api/v1/accounts/" + account + "/notification-destinations",
                "{\"type\":\"WEBHOOK\",\"name\":\"ops\",\"url\":\"" + receiver.url("/r") + "\"}"));
    api.call(
        "POST",
        "/api/v1/accounts/" + account + "/notification-policies",
        "{\"name\":\"all\",\"minSeverity\":\"WARNING\",\"destinationIds\":[\""
            + dest.path("id").asText()
            + "\"]}");
    String serial = GatewayFixture.uniqueSerial();
    String secret =
        WebhookReceiver.JSON
            .readTree(
                api.call(
                    "POST",
                    "/api/v1/devices",
                    "{\"serial\":\""
                        + serial
                        + "\",\"model\":\"SMT1500C\",\"accountId\":\""
                        + account
                        + "\"}"))
            .path("secret")
            .asText();
    return new Setup(serial, secret, "/api/v1/accounts/" + account + "/notification-deliveries");
  }

  private static Mqtt3BlockingClient connect(Setup s, int port) {
    Mqtt3BlockingClient device =
        Mqtt3Client.builder()
            .identifier(s.serial)
            .serverHost("127.0.0.1")
            .serverPort(port)
            .simpleAuth()
            .username(s.serial)
            .password(s.secret.getBytes(UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    device.connect();
    return device;
  }

  private static String onBatteryStatus(String deliveriesJson) throws Exception {
    for (JsonNode row : WebhookReceiver.JSON.readTree(deliveriesJson))
      if (row.path("title").asText().endsWith("on battery")) return row.path("status").asText();
    return "";
  }
}
