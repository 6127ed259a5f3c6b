package io.upsfleet.load.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.cluster.notify.ChannelPayloads;
import io.upsfleet.cluster.notify.Message;
import io.upsfleet.cluster.notify.WebhookSignature;
import io.upsfleet.load.result.NotifyResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The S3 receiver checks signatures made by the gateway's own signer, over real HTTP, and the
 * accounting counts each device from its publish to the first valid, first-seen post that covers
 * it.
 */
class WebhookReceiverTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void acceptsOnlyTheGatewaysSignatureOfTheRawBodyWithinFiveMinutes() {
    String secret = WebhookSignature.newSecret();
    byte[] body = "{\"id\":\"k\",\"kind\":\"TEST\"}".getBytes(StandardCharsets.UTF_8);
    long now = Instant.now().getEpochSecond();
    String header = WebhookSignature.header(secret, now, new String(body, StandardCharsets.UTF_8));

    assertThat(WebhookReceiver.verify(secret, header, body, now)).isTrue();
    assertThat(WebhookReceiver.verify(secret, header, body, now + 300)).isTrue();
    assertThat(WebhookReceiver.verify(secret, header, body, now + 301)).as("a replay").isFalse();
    assertThat(WebhookReceiver.verify(WebhookSignature.newSecret(), header, body, now)).isFalse();
    byte[] tampered = "{\"id\":\"k\",\"kind\":\"TESX\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookReceiver.verify(secret, header, tampered, now)).isFalse();
    assertThat(WebhookReceiver.verify(secret, null, body, now)).isFalse();
    assertThat(WebhookReceiver.verify(secret, "t=" + now + ",v1=zz", body, now)).isFalse();
  }

  @Test
  void countsEachDeviceFromItsPublishToTheFirstValidPostThatCoversIt() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      String secret = WebhookSignature.newSecret();
      receiver.secret(1, secret);
      Map<String, Long> published = new HashMap<>();
      Map<String, String> siteOf =
          Map.of("A", "Lyon-2", "B", "Lyon-2", "C", "Paris", "E", "Lyon-2");

      published.put("A", System.nanoTime());
      published.put("C", System.nanoTime());
      published.put("D", System.nanoTime()); // no site, never mentioned
      String opened =
          ChannelPayloads.webhook(
              "inc:1:opened:d", List.of(incident("INCIDENT_OPENED", "Lyon-2", "A, X")));
      assertThat(post(receiver, secret, "inc:1:opened:d", opened)).isEqualTo(200);
      published.put("B", System.nanoTime()); // after the incident opened: not covered by it
      assertThat(post(receiver, secret, "inc:1:opened:d", opened)).as("a retry").isEqualTo(200);
      String event = ChannelPayloads.webhook("ev:C:7:d", List.of(event("C", "Paris")));
      assertThat(post(receiver, secret, "ev:C:7:d", event)).isEqualTo(200);
      String forged =
          ChannelPayloads.webhook(
              "inc:1:update:0:d", List.of(incident("INCIDENT_UPDATED", "Lyon-2", "A, B")));
      assertThat(postSigned(receiver, "inc:1:update:0:d", forged, WebhookSignature.newSecret()))
          .isEqualTo(401);
      String batch =
          ChannelPayloads.webhook(
              "batch:inc:1:update:0:d+1",
              List.of(
                  incident("INCIDENT_UPDATED", "Lyon-2", "A, B"),
                  new Message(
                      "INCIDENT_RESOLVED",
                      "Site Paris: power back",
                      "INFO",
                      List.of("UPSs: C"),
                      null,
                      "Paris",
                      null,
                      Instant.now())));
      assertThat(post(receiver, secret, "batch:inc:1:update:0:d+1", batch)).isEqualTo(200);
      published.put("E", System.nanoTime()); // after every message of its site

      NotifyResult r = NotifyAccounting.account(published, siteOf, receiver.arrivals());

      assertThat(r.devices()).isEqualTo(5);
      assertThat(r.coveredMs().count())
          .as("A by the opening, B by the update, C by its event")
          .isEqualTo(3);
      assertThat(r.neverCovered()).isEqualTo(2);
      assertThat(r.neverCoveredSample()).containsExactly("D", "E");
      assertThat(r.namedMs().count()).isEqualTo(3);
      assertThat(r.neverNamed()).isEqualTo(2);
      assertThat(r.coveredMs().max()).isLessThan(TimeUnit.MINUTES.toMillis(1));
      assertThat(r.posts()).isEqualTo(3);
      assertThat(r.messages()).isEqualTo(4);
      assertThat(r.duplicates()).isEqualTo(1);
      assertThat(r.signatureFailures()).isEqualTo(1);
      assertThat(r.sites()).isEqualTo(2);
      assertThat(r.perSite())
          .containsEntry("Lyon-2", Map.of("INCIDENT_OPENED", 1, "INCIDENT_UPDATED", 1))
          .containsEntry("Paris", Map.of("EVENT", 1, "INCIDENT_RESOLVED", 1));
      assertThat(r.maxIncidentMessagesPerSitePerMinute()).isEqualTo(2);
    }
  }

  @Test
  void aMinuteIsAnySixtySecondsOfArrivals() {
    long s = TimeUnit.SECONDS.toNanos(1);
    assertThat(NotifyAccounting.maxWithinMinute(Map.of("a", List.of(0L, 60 * s, 120 * s))))
        .isEqualTo(1);
    assertThat(NotifyAccounting.maxWithinMinute(Map.of("a", List.of(0L, 59 * s, 61 * s))))
        .isEqualTo(2);
    assertThat(
            NotifyAccounting.maxWithinMinute(
                Map.of("a", List.of(10 * s, 0L, 5 * s), "b", List.of(0L))))
        .isEqualTo(3);
  }

  private static Message incident(String kind, String site, String serials) {
    return new Message(
        kind,
        "Site " + site + ": UPSs on battery",
        "CRITICAL",
        List.of("UPSs on battery: " + serials),
        null,
        site,
        "ON_BATTERY",
        Instant.now());
  }

  private static Message event(String serial, String site) {
    return new Message(
        "EVENT",
        "UPS " + serial + ": on battery",
        "WARNING",
        List.of(),
        serial,
        site,
        "ON_BATTERY",
        Instant.now());
  }

  private static int post(WebhookReceiver receiver, String secret, String key, String body)
      throws Exception {
    return postSigned(receiver, key, body, secret);
  }

  /** Posts as the gateway's dispatcher does: the raw body, its key, its signature. */
  private static int postSigned(WebhookReceiver receiver, String key, String body, String secret)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(receiver.url(1)))
            .header("Content-Type", "application/json")
            .header(WebhookSignature.DELIVERY_HEADER, key)
            .header(
                WebhookSignature.HEADER,
                WebhookSignature.header(secret, Instant.now().getEpochSecond(), body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
