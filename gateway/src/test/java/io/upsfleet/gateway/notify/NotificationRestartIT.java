package io.upsfleet.gateway.notify;

import static io.upsfleet.gateway.notify.NotifyDevices.onBattery;
import static io.upsfleet.gateway.notify.NotifyDevices.publish;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.notify.WebhookReceiver.Post;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A node stopped while it is sending a notification loses nothing: the message it had claimed (its
 * lease still held in the database) is sent again by the next node once the lease expires, with the
 * same idempotency key, and ends {@code SENT}.
 */
class NotificationRestartIT {
  private static final HttpClient HTTP =
      ContractHttpClient.checked(
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());

  @Test
  void aMessageInFlightWhenTheNodeStopsIsSentAgainWithTheSameKey() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        GatewayFixture gw =
            GatewayFixture.start(
                "NotificationRestartIT",
                Map.<String, Object>of(
                    "upsfleet.notifications.allow-loopback", true,
                    "upsfleet.notifications.blip-window", "0s",
                    "upsfleet.notifications.connect-timeout", "1s",
                    "upsfleet.notifications.read-timeout", "2s",
                    "upsfleet.notifications.dispatch.lease", "4s",
                    "upsfleet.notifications.dispatch.poll-interval", "100ms"))) {
      UpsfleetClient support = gw.support();
      String account = support.createAccount("restart " + GatewayFixture.uniqueSerial()).id();
      String token = support.token();
      JsonNode dest =
          call(
              gw,
              "POST",
              "/api/v1/accounts/" + account + "/notification-destinations",
              token,
              "{\"type\":\"WEBHOOK\",\"name\":\"ops\",\"url\":\"" + receiver.url("/r") + "\"}");
      call(
          gw,
          "POST",
          "/api/v1/accounts/" + account + "/notification-policies",
          token,
          "{\"name\":\"all\",\"minSeverity\":\"WARNING\",\"destinationIds\":[\""
              + dest.path("id").asText()
              + "\"]}");
      String serial = GatewayFixture.uniqueSerial();
      String secret =
          call(
                  gw,
                  "POST",
                  "/api/v1/devices",
                  token,
                  "{\"serial\":\""
                      + serial
                      + "\",\"model\":\"SMT1500C\",\"accountId\":\""
                      + account
                      + "\"}")
              .path("secret")
              .asText();
      CountDownLatch held = receiver.hold("/r");
      Mqtt3BlockingClient device =
          Mqtt3Client.builder()
              .identifier(serial)
              .serverHost("127.0.0.1")
              .serverPort(gw.mqttPort())
              .simpleAuth()
              .username(serial)
              .password(secret.getBytes(UTF_8))
              .applySimpleAuth()
              .buildBlocking();
      device.connect();
      publish(device, serial, 1, "OL CHRG");
      publish(device, serial, 2, "OB DISCHRG");
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.to("/r").size() == 1);
      // The node stops while the receiver has not answered: the claim's lease stays in the table.
      gw.restart();
      held.countDown();
      // (The device's disconnection makes a CONNECTION_LOST message too: only ON_BATTERY counts.)
      await().atMost(Duration.ofSeconds(60)).until(() -> onBattery(receiver).size() >= 2);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                JsonNode log =
                    call(
                        gw,
                        "GET",
                        "/api/v1/accounts/" + account + "/notification-deliveries",
                        gw.support().token(),
                        null);
                for (JsonNode row : log)
                  if (row.path("title").asText().endsWith("on battery"))
                    return row.path("status").asText().equals("SENT");
                return false;
              });
      List<Post> posts = onBattery(receiver);
      assertEquals(1, posts.stream().map(p -> p.header("X-Upsfleet-Delivery")).distinct().count());
    }
  }

  private static JsonNode call(
      GatewayFixture gw, String method, String path, String token, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.httpBase() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) throw new IllegalStateException(r.statusCode() + " " + r.body());
      return WebhookReceiver.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
