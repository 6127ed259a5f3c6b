package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.persistence.DatabaseSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reseller renewal support through the API (DOMAIN.md §9): the account names its reseller, the
 * reseller accepts with the e-mailed code, signs in and sees exactly the renewal data of the
 * consenting account and nothing else (every other route: 403, another account: 404); revocation
 * ends it at once. The 7-day expiry and the digests are in ResellerSupportIT on a test clock.
 */
class ResellerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = ContractHttpClient.checked(HttpClient.newHttpClient());
  private static final String PASSWORD = "reseller-password-1";
  private static GatewayFixture gw;
  private static UpsfleetClient support;

  @BeforeAll
  static void start() {
    gw = GatewayFixture.start("ResellerIT", Map.of());
    support = gw.support();
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void aResellerInvitedAcceptsSeesRenewalsOnlyAndNothingAfterRevocation() throws Exception {
    String account = support.createAccount("Consenting " + GatewayFixture.uniqueSerial()).id();
    String other = support.createAccount("Silent " + GatewayFixture.uniqueSerial()).id();
    DeviceRegistration mine =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", account);
    DeviceRegistration theirs =
        support.registerDevice(GatewayFixture.uniqueSerial(), "SMT750C", other);
    // Reports read the read model, which the projection fills shortly after the registration.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                support.devices(Map.of("accountId", account, "q", mine.serial())).items().size()
                    == 1);
    String admin = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(account, admin, "a-long-password-123", "ACCOUNT_ADMIN");
    String adminToken = gw.client(admin, "a-long-password-123").token();
    String email = "shop-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";

    var invited =
        send(
            "POST",
            "/api/v1/accounts/" + account + "/reseller",
            adminToken,
            Map.of("email", email));
    assertEquals(201, invited.statusCode(), invited.body());
    JsonNode inv = JSON.readTree(invited.body());
    assertEquals("INVITED", inv.path("status").asText());
    assertEquals(admin, inv.path("consentedBy").asText());
    assertThat(inv.path("scope").asText()).startsWith("LIFECYCLE");
    assertThat(inv.toString()).as("the code is only in the e-mail").doesNotContain("code");

    var accepted =
        send(
            "POST",
            "/api/v1/reseller/accept",
            null,
            Map.of("code", codeMailedTo(email), "password", PASSWORD));
    assertEquals(200, accepted.statusCode(), accepted.body());
    assertEquals("ACCEPTED", JSON.readTree(accepted.body()).path("status").asText());
    assertEquals(
        "ACCEPTED",
        JSON.readTree(
                send("GET", "/api/v1/accounts/" + account + "/reseller", adminToken, null).body())
            .path("status")
            .asText());

    String reseller = gw.client(email, PASSWORD).token();
    JsonNode accounts =
        JSON.readTree(send("GET", "/api/v1/reseller/accounts", reseller, null).body());
    assertThat(accounts.findValuesAsText("accountId")).containsExactly(account);
    var renewals =
        send(
            "GET",
            "/api/v1/reseller/accounts/" + account + "/reports/my-renewals.csv",
            reseller,
            null);
    assertEquals(200, renewals.statusCode());
    assertThat(renewals.body()).contains(mine.serial()).doesNotContain(theirs.serial());
    assertEquals(
        200,
        send(
                "GET",
                "/api/v1/reseller/accounts/" + account + "/reports/my-renewals.xlsx",
                reseller,
                null)
            .statusCode());
    assertEquals(
        404,
        send(
                "GET",
                "/api/v1/reseller/accounts/" + account + "/reports/my-inventory.csv",
                reseller,
                null)
            .statusCode(),
        "no operational data");
    assertEquals(
        404,
        send(
                "GET",
                "/api/v1/reseller/accounts/" + other + "/reports/my-renewals.csv",
                reseller,
                null)
            .statusCode(),
        "another account");

    // Telemetry, commands, events, other accounts: every route outside /api/v1/reseller refuses.
    for (String[] route :
        List.of(
            new String[] {"GET", "/api/v1/devices"},
            new String[] {"GET", "/api/v1/devices/summary"},
            new String[] {"GET", "/api/v1/devices/" + mine.serial()},
            new String[] {"GET", "/api/v1/devices/" + mine.serial() + "/telemetry"},
            new String[] {"GET", "/api/v1/devices/" + mine.serial() + "/events"},
            new String[] {"GET", "/api/v1/devices/" + mine.serial() + "/operations"},
            new String[] {"GET", "/api/v1/devices/" + mine.serial() + "/plan"},
            new String[] {"POST", "/api/v1/devices/" + mine.serial() + "/commands"},
            new String[] {"GET", "/api/v1/devices/" + theirs.serial()},
            new String[] {"GET", "/api/v1/accounts"},
            new String[] {"GET", "/api/v1/accounts/" + account},
            new String[] {"GET", "/api/v1/accounts/" + account + "/users"},
            new String[] {"GET", "/api/v1/accounts/" + account + "/entitlements"},
            new String[] {"GET", "/api/v1/accounts/" + account + "/reseller"},
            new String[] {"DELETE", "/api/v1/accounts/" + account + "/reseller"},
            new String[] {"GET", "/api/v1/accounts/" + account + "/reports/my-renewals.csv"},
            new String[] {"GET", "/api/v1/accounts/" + account + "/reports/my-inventory.csv"},
            new String[] {"GET", "/api/v1/accounts/" + other + "/reports/my-renewals.csv"},
            new String[] {"GET", "/api/v1/license-orders"},
            new String[] {"GET", "/api/v1/skus"},
            new String[] {"GET", "/api/v1/firmware"},
            new String[] {"GET", "/api/v1/support-users"})) {
      int status =
          send(
                  route[0],
                  route[1],
                  reseller,
                  route[0].equals("POST") ? Map.of("type", "SELF_TEST") : null)
              .statusCode();
      assertThat(status).as(route[0] + " " + route[1]).isIn(403, 404);
    }

    // A reseller may sign out (revoke its token) like anyone.
    String spare = gw.client(email, PASSWORD).token();
    assertEquals(204, send("POST", "/api/v1/auth/logout", spare, null).statusCode());
    assertEquals(401, send("GET", "/api/v1/reseller/accounts", spare, null).statusCode());

    // Another role has no reseller view.
    assertEquals(403, send("GET", "/api/v1/reseller/accounts", adminToken, null).statusCode());

    // Revoked: access ends at once.
    assertEquals(
        204,
        send("DELETE", "/api/v1/accounts/" + account + "/reseller", adminToken, null).statusCode());
    assertThat(
            JSON.readTree(send("GET", "/api/v1/reseller/accounts", reseller, null).body())
                .findValuesAsText("accountId"))
        .isEmpty();
    assertEquals(
        404,
        send(
                "GET",
                "/api/v1/reseller/accounts/" + account + "/reports/my-renewals.csv",
                reseller,
                null)
            .statusCode());
    assertEquals(
        "REVOKED",
        JSON.readTree(
                send("GET", "/api/v1/accounts/" + account + "/reseller", adminToken, null).body())
            .path("status")
            .asText());
  }

  @Test
  void aViewerCannotNameAResellerAndABadCodeIsRefused() throws Exception {
    String account = support.createAccount("Viewer " + GatewayFixture.uniqueSerial()).id();
    String viewer = "viewer-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(account, viewer, "a-long-password-123", "ACCOUNT_VIEWER");
    String token = gw.client(viewer, "a-long-password-123").token();
    assertEquals(
        403,
        send(
                "POST",
                "/api/v1/accounts/" + account + "/reseller",
                token,
                Map.of("email", "x@example.com"))
            .statusCode());
    assertEquals(
        400,
        send(
                "POST",
                "/api/v1/accounts/" + account + "/reseller",
                support.token(),
                Map.of("email", "nope"))
            .statusCode());
    assertEquals(
        404,
        send(
                "POST",
                "/api/v1/reseller/accept",
                null,
                Map.of("code", "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", "password", PASSWORD))
            .statusCode());
  }

  // -----------------------------------------------------------------------------------------

  private static final Pattern CODE = Pattern.compile("single-use code:\\s+(\\S+)");

  private static String codeMailedTo(String email) throws Exception {
    DatabaseSettings db = gw.directDatabase();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT body FROM email_outbox WHERE recipient = ? AND dedup_key LIKE 'reseller-invite:%'")) {
      ps.setString(1, email);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        Matcher m = CODE.matcher(rs.getString(1));
        assertThat(m.find()).isTrue();
        return m.group(1);
      }
    }
  }

  private static HttpResponse<String> send(String method, String path, String token, Object body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.httpBase().toString()).resolve(path));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
