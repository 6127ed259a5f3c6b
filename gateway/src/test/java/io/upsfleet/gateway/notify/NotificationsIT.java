package io.upsfleet.gateway.notify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.notify.WebhookReceiver.Post;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications end to end (issue 11) against a real node, PostgreSQL, MQTT devices (HiveMQ
 * client), a real local HTTP server as Slack, Teams and webhook receiver, and a real SMTP server
 * (GreenMail): signed webhooks verified as a receiver would, each channel's format and escaping,
 * power blips, maintenance alarms, site outage incidents, retries with a stable key, and the SSRF
 * refusals of destination URLs.
 */
class NotificationsIT {
  private static final String PASSWORD = "a-long-password-123";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP =
      ContractHttpClient.checked(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build());

  private static GreenMail mail;
  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static WebhookReceiver receiver;

  private final List<Mqtt3BlockingClient> clients = new ArrayList<>();
  private final AtomicLong seq = new AtomicLong(1);

  @BeforeAll
  static void start() throws IOException {
    int smtpPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      smtpPort = s.getLocalPort();
    }
    mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
    mail.start();
    Map<String, Object> settings = new HashMap<>();
    settings.put("upsfleet.mail.smtp.host", "127.0.0.1");
    settings.put("upsfleet.mail.smtp.port", smtpPort);
    settings.put("upsfleet.notifications.allow-loopback", true);
    settings.put("upsfleet.notifications.blip-window", "3s");
    settings.put("upsfleet.notifications.dispatch.poll-interval", "100ms");
    settings.put("upsfleet.notifications.dispatch.base-backoff", "200ms");
    settings.put("upsfleet.notifications.dispatch.max-backoff", "1s");
    gw = GatewayFixture.start("NotificationsIT", settings);
    support = gw.support();
    receiver = new WebhookReceiver();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) receiver.close();
    if (gw != null) gw.close();
    if (mail != null) mail.stop();
  }

  @AfterEach
  void disconnect() {
    for (Mqtt3BlockingClient c : clients) if (c.getState().isConnected()) c.disconnect();
  }

  // ------------------------------------------------------------------------------------- tests

  @Test
  void aWebhookGetsOneSignedMessageOnBatteryAndOneWhenPowerIsBack() throws Exception {
    Tenant t = tenant("signed");
    JsonNode dest = createDestination(t, "WEBHOOK", "ops", receiver.url("/signed"));
    String secret = dest.path("secret").asText();
    assertThat(secret).startsWith("whsec_");
    policy(t, "all", "WARNING", dest);
    // The secret is shown once: the list does not have it.
    JsonNode listed = call("GET", t.path("/notification-destinations"), t.admin(), null).json();
    assertTrue(listed.get(0).path("secret").isMissingNode());

    Device d = device(t, null);
    status(d, "OL CHRG");
    status(d, "OB DISCHRG");
    await().atMost(WAIT).until(() -> receiver.to("/signed").size() == 1);
    status(d, "OL CHRG");
    await().atMost(WAIT).until(() -> receiver.to("/signed").size() == 2);
    awaitSettled(t);

    List<Post> posts = receiver.to("/signed");
    assertEquals(2, posts.size());
    long now = Instant.now().getEpochSecond();
    for (Post p : posts) {
      assertTrue(WebhookReceiver.signatureValid(p, secret, now), "signature of " + p.body());
      assertFalse(WebhookReceiver.signatureValid(p, secret + "x", now));
      assertEquals(p.json().path("id").asText(), p.header("X-Upsfleet-Delivery"));
    }
    assertEquals("ON_BATTERY", posts.get(0).json().path("eventType").asText());
    assertEquals("POWER_RESTORED", posts.get(1).json().path("eventType").asText());
    assertEquals(d.serial(), posts.get(0).json().path("serial").asText());
    JsonNode log = call("GET", t.path("/notification-deliveries"), t.viewer(), null).json();
    assertEquals(2, log.size());
    for (JsonNode row : log) {
      assertEquals("SENT", row.path("status").asText());
      assertEquals(1, row.path("attempts").asInt());
    }
  }

  /** PUT replaces a policy: the next alarm goes to the new destination only, not the old one. */
  @Test
  void aChangedPolicySendsToItsNewDestinationOnly() throws Exception {
    Tenant t = tenant("update");
    JsonNode before = createDestination(t, "WEBHOOK", "before", receiver.url("/update-before"));
    JsonNode after = createDestination(t, "WEBHOOK", "after", receiver.url("/update-after"));
    String id =
        call(
                "POST",
                t.path("/notification-policies"),
                t.admin(),
                json(
                    Map.of(
                        "name",
                        "all",
                        "minSeverity",
                        "WARNING",
                        "destinationIds",
                        List.of(before.path("id").asText()))))
            .expect(201)
            .json()
            .path("id")
            .asText();
    JsonNode change =
        json(
            Map.of(
                "name",
                "on battery only",
                "eventTypes",
                List.of("ON_BATTERY"),
                "destinationIds",
                List.of(after.path("id").asText())));
    call("PUT", t.path("/notification-policies/" + id), t.viewer(), change).expect(403);
    call("PUT", t.path("/notification-policies/" + UUID.randomUUID()), t.admin(), change)
        .expect(404);
    JsonNode changed =
        call("PUT", t.path("/notification-policies/" + id), t.admin(), change).expect(200).json();
    assertEquals(id, changed.path("id").asText());
    assertEquals("on battery only", changed.path("name").asText());
    JsonNode listed = call("GET", t.path("/notification-policies"), t.viewer(), null).json();
    assertEquals(1, listed.size());
    assertEquals("ON_BATTERY", listed.get(0).path("eventTypes").get(0).asText());
    assertEquals(after.path("id").asText(), listed.get(0).path("destinationIds").get(0).asText());

    Device d = device(t, null);
    status(d, "OL CHRG");
    status(d, "OB DISCHRG");
    await().atMost(WAIT).until(() -> receiver.to("/update-after").size() == 1);
    awaitSettled(t);
    assertEquals(0, receiver.to("/update-before").size(), "the old destination gets nothing");
  }

  @Test
  void aPowerBlipIsOneMessage() throws Exception {
    Tenant t = tenant("blip");
    JsonNode dest = createDestination(t, "WEBHOOK", "ops", receiver.url("/blip"));
    policy(t, "all", "WARNING", dest);
    Device d = device(t, null);
    status(d, "OL CHRG");
    status(d, "OB DISCHRG");
    status(d, "OL CHRG");
    await().atMost(WAIT).until(() -> !receiver.to("/blip").isEmpty());
    awaitSettled(t);
    List<JsonNode> all = messages("/blip");
    assertEquals(1, all.size(), all::toString);
    JsonNode m = all.get(0);
    assertEquals("BLIP", m.path("kind").asText());
    assertThat(m.path("title").asText()).contains(d.serial()).contains("power blip");
    JsonNode log = call("GET", t.path("/notification-deliveries"), t.admin(), null).json();
    assertEquals(1, log.size());
    assertEquals(2, log.get(0).path("events").size(), "the blip covers both events");
  }

  @Test
  void aSelfTestOnBatteryNotifiesNothingUnlessThePolicyAsks() throws Exception {
    Tenant t = tenant("selftest");
    JsonNode quiet = createDestination(t, "WEBHOOK", "quiet", receiver.url("/quiet"));
    JsonNode all = createDestination(t, "WEBHOOK", "all", receiver.url("/maintenance"));
    policy(t, "real alarms", "WARNING", quiet);
    JsonNode body =
        json(
            Map.of(
                "name",
                "everything",
                "minSeverity",
                "WARNING",
                "destinationIds",
                List.of(all.path("id").asText()),
                "includeMaintenance",
                true));
    call("POST", t.path("/notification-policies"), t.admin(), body).expect(201);
    Device d = device(t, null);
    status(d, "OL CHRG");
    status(d, "OB DISCHRG TEST");
    // Past the blip window: the maintenance policy's destination has the ON_BATTERY message.
    await().atMost(WAIT).until(() -> !receiver.to("/maintenance").isEmpty());
    status(d, "OL CHRG");
    // A real alarm afterwards: once its message arrives, the self-test's events were processed.
    status(d, "OL CHRG OVER");
    await().atMost(WAIT).until(() -> !receiver.to("/quiet").isEmpty());
    await().atMost(WAIT).until(() -> messages("/maintenance").size() == 3);
    awaitSettled(t);
    List<JsonNode> quietMessages = messages("/quiet");
    assertEquals(1, quietMessages.size(), quietMessages::toString);
    assertEquals("OVERLOAD", quietMessages.get(0).path("eventType").asText());
    // The policy that asks for maintenance alarms got the self-test's outage and its end as well.
    List<String> kinds = new ArrayList<>();
    for (Post p : receiver.to("/maintenance"))
      for (JsonNode m : p.messages())
        kinds.add(m.path("kind").asText() + ":" + m.path("eventType").asText());
    assertThat(kinds).containsExactly("EVENT:ON_BATTERY", "EVENT:POWER_RESTORED", "EVENT:OVERLOAD");
  }

  @Test
  void aSelfTestBlipReachesOnlyThePolicyThatAsksForMaintenance() throws Exception {
    Tenant t = tenant("selftest-blip");
    JsonNode quiet = createDestination(t, "WEBHOOK", "quiet", receiver.url("/quiet-blip"));
    JsonNode all = createDestination(t, "WEBHOOK", "all", receiver.url("/maintenance-blip"));
    policy(t, "real alarms", "WARNING", quiet);
    JsonNode body =
        json(
            Map.of(
                "name",
                "everything",
                "minSeverity",
                "WARNING",
                "destinationIds",
                List.of(all.path("id").asText()),
                "includeMaintenance",
                true));
    call("POST", t.path("/notification-policies"), t.admin(), body).expect(201);
    Device d = device(t, null);
    status(d, "OL CHRG");
    status(d, "OB DISCHRG TEST");
    status(d, "OL CHRG");
    status(d, "OL CHRG OVER");
    await().atMost(WAIT).until(() -> !receiver.to("/quiet-blip").isEmpty());
    await().atMost(WAIT).until(() -> messages("/maintenance-blip").size() == 2);
    awaitSettled(t);
    List<JsonNode> quietMessages = messages("/quiet-blip");
    assertEquals(1, quietMessages.size(), quietMessages::toString);
    assertEquals("OVERLOAD", quietMessages.get(0).path("eventType").asText());
    List<String> kinds = new ArrayList<>();
    for (Post p : receiver.to("/maintenance-blip"))
      for (JsonNode m : p.messages())
        kinds.add(m.path("kind").asText() + ":" + m.path("eventType").asText());
    assertThat(kinds).containsExactly("BLIP:ON_BATTERY", "EVENT:OVERLOAD");
  }

  @Test
  void anOutageWaveOverThreeSitesIsOneIncidentPerSiteAndOneRestoration() throws Exception {
    Tenant t = tenant("wave");
    JsonNode dest = createDestination(t, "WEBHOOK", "ops", receiver.url("/wave"));
    policy(t, "all", "WARNING", dest);
    Map<String, List<Device>> bySite = new LinkedHashMap<>();
    for (String site : List.of("Lyon-2", "Paris-1", "Nantes")) {
      JsonNode s =
          call(
                  "POST",
                  t.path("/sites"),
                  t.admin(),
                  json(Map.of("name", site, "timeZone", "Europe/Paris")))
              .expect(201)
              .json();
      List<Device> devices = new ArrayList<>();
      for (int i = 0; i < 4; i++) devices.add(device(t, s.path("id").asText()));
      bySite.put(site, devices);
    }
    // The site's list filter and device counts.
    JsonNode sites = call("GET", t.path("/sites"), t.viewer(), null).expect(200).json();
    assertEquals(3, sites.size());
    for (JsonNode s : sites) assertEquals(4, s.path("devices").asInt());
    for (List<Device> devices : bySite.values()) for (Device d : devices) status(d, "OL CHRG");
    for (List<Device> devices : bySite.values()) for (Device d : devices) status(d, "OB DISCHRG");
    await()
        .atMost(WAIT)
        .until(
            () ->
                messages("/wave").stream()
                        .filter(m -> m.path("kind").asText().equals("INCIDENT_OPENED"))
                        .count()
                    == 3);
    for (List<Device> devices : bySite.values()) for (Device d : devices) status(d, "OL CHRG");
    await()
        .atMost(WAIT)
        .until(
            () ->
                messages("/wave").stream()
                        .filter(m -> m.path("kind").asText().equals("INCIDENT_RESOLVED"))
                        .count()
                    == 3);
    awaitSettled(t);

    Map<String, List<String>> kindsBySite =
        messages("/wave").stream()
            .collect(
                Collectors.groupingBy(
                    m -> m.path("site").asText(),
                    Collectors.mapping(m -> m.path("kind").asText(), Collectors.toList())));
    for (String site : bySite.keySet()) {
      assertThat(kindsBySite.get(site))
          .as("messages of site %s", site)
          .containsExactlyInAnyOrder("INCIDENT_OPENED", "INCIDENT_RESOLVED");
    }
    assertThat(messages("/wave")).noneMatch(m -> m.path("kind").asText().equals("EVENT"));
    JsonNode incidents = call("GET", t.path("/incidents"), t.viewer(), null).expect(200).json();
    assertEquals(3, incidents.size());
    for (JsonNode i : incidents) {
      assertFalse(i.path("endedAt").isNull(), "ended: " + i);
      assertEquals(4, i.path("devicesTotal").asInt());
      assertThat(i.path("peak").asInt()).isBetween(3, 4);
    }
    JsonNode opened =
        messages("/wave").stream()
            .filter(
                m ->
                    m.path("kind").asText().equals("INCIDENT_OPENED")
                        && m.path("site").asText().equals("Lyon-2"))
            .findFirst()
            .orElseThrow();
    assertThat(opened.path("title").asText())
        .matches("Site Lyon-2: [34] of 4 UPSs on battery since \\d\\d:\\d\\d Europe/Paris");
    // The device list filters by site.
    String lyon =
        sites.findValuesAsText("id").get(sites.findValuesAsText("name").indexOf("Lyon-2"));
    JsonNode page =
        call("GET", "/api/v1/devices?site=" + lyon, t.viewer(), null).expect(200).json();
    assertEquals(4, page.path("total").asInt());
  }

  @Test
  void aDestinationFailingThreeTimesGetsTheMessageOnceMoreWithTheSameKey() throws Exception {
    Tenant t = tenant("flaky");
    receiver.failFirst("/flaky", 3);
    JsonNode dest = createDestination(t, "WEBHOOK", "flaky", receiver.url("/flaky"));
    policy(t, "all", "WARNING", dest);
    Device d = device(t, null);
    status(d, "OL CHRG");
    status(d, "OL CHRG OVER");
    await().atMost(WAIT).until(() -> receiver.to("/flaky").size() == 4);
    awaitSettled(t);
    List<Post> posts = receiver.to("/flaky");
    assertEquals(4, posts.size());
    assertEquals(1, posts.stream().map(p -> p.header("X-Upsfleet-Delivery")).distinct().count());
    assertEquals(
        1,
        posts.stream()
            .map(Post::body)
            .map(b -> WebhookReceiver.JSON.valueToTree(b))
            .distinct()
            .count());
    JsonNode row = call("GET", t.path("/notification-deliveries"), t.admin(), null).json().get(0);
    assertEquals("SENT", row.path("status").asText());
    assertEquals(4, row.path("attempts").asInt());
  }

  @Test
  void slackTeamsAndEmailGetTheirFormatsWithDeviceTextEscaped() throws Exception {
    Tenant t = tenant("channels");
    JsonNode slack = createDestination(t, "SLACK", "slack", receiver.url("/slack"));
    JsonNode teams = createDestination(t, "TEAMS", "teams", receiver.url("/teams"));
    String to = "ops-" + GatewayFixture.uniqueSerial().toLowerCase() + "@example.com";
    JsonNode email =
        call(
                "POST",
                t.path("/notification-destinations"),
                t.admin(),
                json(Map.of("type", "EMAIL", "name", "mail", "email", to)))
            .expect(201)
            .json();
    JsonNode body =
        json(
            Map.of(
                "name",
                "failed tests",
                "eventTypes",
                List.of("SELF_TEST_FAILED"),
                "destinationIds",
                List.of(
                    slack.path("id").asText(),
                    teams.path("id").asText(),
                    email.path("id").asText())));
    call("POST", t.path("/notification-policies"), t.admin(), body).expect(201);
    Device d = device(t, null);
    String evil = "<b>*bold*</b> & <!channel> [x](http://evil) {{DATE(now)}}";
    publish(
        d,
        "ups/" + d.serial() + "/events",
        json(Map.of(
                "ts",
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                "seq",
                seq.getAndIncrement(),
                "type",
                "SELF_TEST_FAILED",
                "details",
                Map.of("reason", evil)))
            .toString());
    await()
        .atMost(WAIT)
        .until(() -> receiver.to("/slack").size() == 1 && receiver.to("/teams").size() == 1);
    await().atMost(WAIT).until(() -> received(to).size() == 1);

    JsonNode s = receiver.to("/slack").get(0).json();
    assertEquals("header", s.path("blocks").get(0).path("type").asText());
    String section = s.path("blocks").get(1).path("text").path("text").asText();
    assertEquals("mrkdwn", s.path("blocks").get(1).path("text").path("type").asText());
    assertThat(section).contains("&lt;b&gt;").contains("&amp;").contains("&lt;!channel&gt;");
    assertThat(section).doesNotContain("<b>").doesNotContain("<!channel>").doesNotContain("*bold*");

    JsonNode envelope = receiver.to("/teams").get(0).json();
    assertEquals("message", envelope.path("type").asText());
    JsonNode attachment = envelope.path("attachments").get(0);
    assertEquals(
        "application/vnd.microsoft.card.adaptive", attachment.path("contentType").asText());
    JsonNode card = attachment.path("content");
    assertEquals("AdaptiveCard", card.path("type").asText());
    String cardText = card.toString();
    assertThat(cardText)
        .doesNotContain("[x](http")
        .doesNotContain("{{DATE")
        .doesNotContain("*bold*");

    MimeMessage m = received(to).get(0);
    assertThat(m.getSubject()).contains(d.serial()).contains("self test failed");
    assertThat(m.getMessageID()).matches("<ev:" + d.serial() + ":\\d+:[0-9a-f-]+@upsfleet>");
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertEquals(2, parts.getCount());
    String html = (String) parts.getBodyPart(1).getContent();
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat(html)
        .contains("&lt;b&gt;*bold*&lt;/b&gt; &amp; &lt;!channel&gt;")
        .doesNotContain("<b>*bold*</b>");

    // "Send test" answers with the outcome, for each channel.
    for (JsonNode dest : List.of(slack, teams, email)) {
      JsonNode outcome =
          call(
                  "POST",
                  t.path("/notification-destinations/" + dest.path("id").asText() + "/test"),
                  t.admin(),
                  null)
              .expect(200)
              .json();
      assertTrue(outcome.path("delivered").asBoolean(), outcome.toString());
    }
    assertEquals(2, receiver.to("/slack").size());
    await().atMost(WAIT).until(() -> received(to).size() == 2);
  }

  @Test
  void destinationUrlsThatCouldReachInsideAreRefused() throws Exception {
    Tenant t = tenant("ssrf");
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("http://93.184.216.34/hook", "must use https");
    refused.put("https://10.1.2.3/hook", "a private address");
    refused.put("https://192.168.0.10/hook", "a private address");
    refused.put("https://169.254.169.254/latest/meta-data/", "the cloud metadata address");
    refused.put("https://[fd00::1]/hook", "a private address");
    refused.put("ftp://example.com/x", "must use https");
    refused.put("https://user:pw@example.com/", "user information");
    for (Map.Entry<String, String> e : refused.entrySet()) {
      Reply r =
          call(
              "POST",
              t.path("/notification-destinations"),
              t.admin(),
              json(Map.of("type", "WEBHOOK", "name", "x", "url", e.getKey())));
      assertEquals(400, r.status(), e.getKey() + " -> " + r.body());
      assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo("url");
      assertThat(r.json().path("errors").get(0).path("message").asText()).contains(e.getValue());
    }
    // A destination that answers with a redirect to the metadata address: not followed.
    receiver.redirect("/redirect", "http://169.254.169.254/latest/meta-data/");
    JsonNode dest = createDestination(t, "WEBHOOK", "redirecting", receiver.url("/redirect"));
    JsonNode outcome =
        call(
                "POST",
                t.path("/notification-destinations/" + dest.path("id").asText() + "/test"),
                t.admin(),
                null)
            .expect(200)
            .json();
    assertFalse(outcome.path("delivered").asBoolean());
    assertThat(outcome.path("error").asText()).contains("redirects are not followed");
    // Viewers cannot create destinations; other accounts do not see them.
    call(
            "POST",
            t.path("/notification-destinations"),
            t.viewer(),
            json(Map.of("type", "WEBHOOK", "name", "v", "url", receiver.url("/v"))))
        .expect(403);
    Tenant other = tenant("other");
    call("GET", t.path("/notification-destinations"), other.admin(), null).expect(404);
    // Deleting: admins only, in their own account.
    String id = dest.path("id").asText();
    call("DELETE", t.path("/notification-destinations/" + id), t.viewer(), null).expect(403);
    call("DELETE", other.path("/notification-destinations/" + id), other.admin(), null).expect(404);
    call("DELETE", t.path("/notification-destinations/" + id), t.admin(), null).expect(204);
    call("DELETE", t.path("/notification-destinations/" + id), t.admin(), null).expect(404);
    JsonNode kept = createDestination(t, "WEBHOOK", "kept", receiver.url("/kept"));
    policy(t, "gone", "WARNING", kept);
    String policyId =
        call("GET", t.path("/notification-policies"), t.viewer(), null)
            .json()
            .get(0)
            .path("id")
            .asText();
    call("DELETE", t.path("/notification-policies/" + policyId), t.admin(), null).expect(204);
    assertEquals(0, call("GET", t.path("/notification-policies"), t.viewer(), null).json().size());
    assertEquals(
        1, call("GET", t.path("/notification-destinations"), t.viewer(), null).json().size());
  }

  @Test
  void aDeviceBelongsToOneSiteOfItsOwnAccount() throws Exception {
    Tenant t = tenant("sites");
    Tenant other = tenant("sites-other");
    String lyon = createSite(t, "Lyon-2");
    String paris = createSite(t, "Paris-1");
    String foreign = createSite(other, "Elsewhere");
    call("POST", t.path("/sites"), t.admin(), json(Map.of("name", "lyon-2"))).expect(409);
    call("POST", t.path("/sites"), t.viewer(), json(Map.of("name", "Viewer site"))).expect(403);
    call(
            "POST",
            t.path("/sites"),
            t.admin(),
            json(Map.of("name", "Bad zone", "timeZone", "Mars/Base")))
        .expect(400);

    // Registration: single with a site, bulk with a site per device, a site of another account
    // refused.
    String serial = GatewayFixture.uniqueSerial();
    call(
            "POST",
            "/api/v1/devices",
            t.admin(),
            json(Map.of("serial", serial, "model", "SMT1500C", "siteId", lyon)))
        .expect(201);
    String b1 = GatewayFixture.uniqueSerial();
    String b2 = GatewayFixture.uniqueSerial();
    JsonNode bulk =
        call(
                "POST",
                "/api/v1/devices/bulk",
                t.admin(),
                json(
                    Map.of(
                        "devices",
                        List.of(
                            Map.of("serial", b1, "model", "SMT1500C", "siteId", paris),
                            Map.of("serial", b2, "model", "SMT1500C", "siteId", foreign)))))
            .expect(200)
            .json();
    assertEquals(1, bulk.path("registered").size(), bulk::toString);
    assertEquals(b2, bulk.path("failed").get(0).path("serial").asText());
    call(
            "POST",
            "/api/v1/devices",
            t.admin(),
            json(
                Map.of(
                    "serial",
                    GatewayFixture.uniqueSerial(),
                    "model",
                    "SMT1500C",
                    "siteId",
                    foreign)))
        .expect(400);

    // PATCH moves a device; viewers may not; another account's site is refused; "" takes it out.
    call("PATCH", "/api/v1/devices/" + serial, t.viewer(), json(Map.of("siteId", paris)))
        .expect(403);
    call("PATCH", "/api/v1/devices/" + serial, t.admin(), json(Map.of("siteId", foreign)))
        .expect(400);
    call("PATCH", "/api/v1/devices/" + serial, other.admin(), json(Map.of("siteId", foreign)))
        .expect(404);
    call("PATCH", "/api/v1/devices/" + serial, t.admin(), json(Map.of("siteId", paris)))
        .expect(200);
    // (The device list is a read model, fed asynchronously from the registrations.)
    await().atMost(WAIT).until(() -> devicesIn(t, paris) == 2);
    assertEquals(0, devicesIn(t, lyon));
    call("PATCH", "/api/v1/devices/" + serial, t.admin(), json(Map.of("siteId", ""))).expect(200);
    await().atMost(WAIT).until(() -> devicesIn(t, paris) == 1);
    call("GET", other.path("/sites"), t.admin(), null).expect(404);
  }

  private static String createSite(Tenant t, String name) {
    return call("POST", t.path("/sites"), t.admin(), json(Map.of("name", name)))
        .expect(201)
        .json()
        .path("id")
        .asText();
  }

  private static int devicesIn(Tenant t, String site) {
    return call("GET", "/api/v1/devices?site=" + site, t.viewer(), null)
        .expect(200)
        .json()
        .path("total")
        .asInt();
  }

  // ----------------------------------------------------------------------------------- helpers

  private record Tenant(String accountId, String admin, String viewer) {
    String path(String rest) {
      return "/api/v1/accounts/" + accountId + rest;
    }
  }

  private record Device(String serial, String secret, Mqtt3BlockingClient client) {}

  record Reply(int status, String body) {
    JsonNode json() {
      try {
        return WebhookReceiver.JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(body, e);
      }
    }

    Reply expect(int expected) {
      assertEquals(expected, status, () -> "unexpected answer: " + status + " " + body);
      return this;
    }
  }

  private static Tenant tenant(String name) {
    String suffix = GatewayFixture.uniqueSerial().toLowerCase();
    String id = support.createAccount(name + " " + suffix).id();
    String admin = "admin-" + suffix;
    String viewer = "viewer-" + suffix;
    support.createUser(id, admin, PASSWORD, "ACCOUNT_ADMIN");
    support.createUser(id, viewer, PASSWORD, "ACCOUNT_VIEWER");
    return new Tenant(id, gw.client(admin, PASSWORD).token(), gw.client(viewer, PASSWORD).token());
  }

  private static JsonNode createDestination(Tenant t, String type, String name, String url) {
    return call(
            "POST",
            t.path("/notification-destinations"),
            t.admin(),
            json(Map.of("type", type, "name", name, "url", url)))
        .expect(201)
        .json();
  }

  private static void policy(Tenant t, String name, String minSeverity, JsonNode dest) {
    call(
            "POST",
            t.path("/notification-policies"),
            t.admin(),
            json(
                Map.of(
                    "name",
                    name,
                    "minSeverity",
                    minSeverity,
                    "destinationIds",
                    List.of(dest.path("id").asText()))))
        .expect(201);
  }

  private Device device(Tenant t, String siteId) {
    String serial = GatewayFixture.uniqueSerial();
    Map<String, Object> body = new HashMap<>();
    body.put("serial", serial);
    body.put("model", "SMT1500C");
    body.put("accountId", t.accountId());
    if (siteId != null) body.put("siteId", siteId);
    String secret =
        call("POST", "/api/v1/devices", t.admin(), json(body))
            .expect(201)
            .json()
            .path("secret")
            .asText();
    Mqtt3BlockingClient c =
        Mqtt3Client.builder()
            .identifier(serial)
            .serverHost("127.0.0.1")
            .serverPort(gw.mqttPort())
            .simpleAuth()
            .username(serial)
            .password(secret.getBytes(UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    c.connect();
    clients.add(c);
    return new Device(serial, secret, c);
  }

  private void status(Device d, String status) {
    publish(
        d,
        "ups/" + d.serial() + "/telemetry",
        "{\"ts\":\""
            + Instant.now().truncatedTo(ChronoUnit.MILLIS)
            + "\",\"seq\":"
            + seq.getAndIncrement()
            + ",\"ups.status\":\""
            + status
            + "\",\"ups.load\":20,\"battery.charge\":90}");
  }

  private static void publish(Device d, String topic, String payload) {
    d.client()
        .publishWith()
        .topic(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload.getBytes(UTF_8))
        .send();
  }

  /** Waits until no message of the account is held, pending or leased any more. */
  private static void awaitSettled(Tenant t) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode log =
                  call("GET", t.path("/notification-deliveries?size=200"), t.admin(), null).json();
              for (JsonNode row : log) {
                String s = row.path("status").asText();
                if (s.equals("HELD") || s.equals("PENDING")) return false;
              }
              return true;
            });
  }

  private static List<JsonNode> messages(String path) {
    List<JsonNode> out = new ArrayList<>();
    for (Post p : receiver.to(path)) out.addAll(p.messages());
    return out;
  }

  private static List<MimeMessage> received(String to) {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : mail.getReceivedMessages()) {
      try {
        if (m.getAllRecipients()[0].toString().equals(to)) out.add(m);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  private static JsonNode json(Object value) {
    return WebhookReceiver.JSON.valueToTree(value);
  }

  private static Reply call(String method, String path, String token, JsonNode body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.httpBase() + path)).timeout(Duration.ofSeconds(30));
    b.header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
