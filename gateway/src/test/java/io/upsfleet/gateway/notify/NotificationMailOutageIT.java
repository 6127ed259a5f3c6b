package io.upsfleet.gateway.notify;

import static io.upsfleet.gateway.notify.NotifyDevices.publish;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SMTP server is down when an alarm happens: the notification mail is retried with back-off
 * (the delivery log shows the attempts and the error) and arrives once the server is back, with the
 * message's stable key as its Message-ID.
 */
class NotificationMailOutageIT {
  private static final HttpClient HTTP =
      ContractHttpClient.checked(
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());

  @Test
  void aMailQueuedWhileSmtpIsDownArrivesWhenItIsBack() throws Exception {
    int smtpPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      smtpPort = s.getLocalPort();
    }
    GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
    try (GatewayFixture gw =
        GatewayFixture.start(
            "NotificationMailOutageIT",
            Map.<String, Object>of(
                "upsfleet.mail.smtp.host", "127.0.0.1",
                "upsfleet.mail.smtp.port", smtpPort,
                "upsfleet.mail.smtp.timeout", "2s",
                "upsfleet.notifications.blip-window", "0s",
                "upsfleet.notifications.dispatch.poll-interval", "100ms",
                "upsfleet.notifications.dispatch.base-backoff", "200ms",
                "upsfleet.notifications.dispatch.max-backoff", "1s"))) {
      UpsfleetClient support = gw.support();
      String account = support.createAccount("mail outage " + GatewayFixture.uniqueSerial()).id();
      String token = support.token();
      String path = "/api/v1/accounts/" + account;
      JsonNode dest =
          call(
              gw,
              "POST",
              path + "/notification-destinations",
              token,
              "{\"type\":\"EMAIL\",\"name\":\"ops\",\"email\":\"ops@example.com\"}");
      call(
          gw,
          "POST",
          path + "/notification-policies",
          token,
          "{\"name\":\"all\",\"destinationIds\":[\"" + dest.path("id").asText() + "\"]}");
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
      publish(device, serial, 2, "OL CHRG OVER");
      // SMTP is down: the attempts fail and are logged.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  call(gw, "GET", path + "/notification-deliveries", token, null)
                          .path(0)
                          .path("attempts")
                          .asInt()
                      >= 2);
      JsonNode failing = call(gw, "GET", path + "/notification-deliveries", token, null).path(0);
      assertEquals("PENDING", failing.path("status").asText());
      assertThat(failing.path("lastError").asText()).contains("mail not sent");
      mail.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> mail.getReceivedMessages().length == 1);
      MimeMessage m = mail.getReceivedMessages()[0];
      assertThat(m.getMessageID())
          .isEqualTo("<" + failing.path("deliveryKey").asText() + "@upsfleet>");
      assertThat(m.getSubject()).contains(serial).contains("overload");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  call(gw, "GET", path + "/notification-deliveries", token, null)
                      .path(0)
                      .path("status")
                      .asText()
                      .equals("SENT"));
      device.disconnect();
    } finally {
      mail.stop();
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
