package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route of the role table ({@link AccessRules}) called by a signed-in user of every role on a
 * real node: a role the table allows is never refused with 403, a role it does not allow always is;
 * and the README shows exactly this table.
 */
class AccessRulesIT {
  private static final String PASSWORD = "a-long-password-123";
  private static GatewayFixture gw;
  private static String account;
  private static String serial;
  private static final Map<Role, String> usernames = new EnumMap<>(Role.class);
  private static final HttpClient http = ContractHttpClient.checked(HttpClient.newHttpClient());

  @BeforeAll
  static void start() {
    gw =
        GatewayFixture.start(
            "AccessRulesIT",
            Map.of(
                "upsfleet.gateway.http.requests-per-second", 10_000,
                "upsfleet.gateway.http.burst", 10_000));
    UpsfleetClient support = gw.support();
    account = support.createAccount("Access Co").id();
    serial = GatewayFixture.uniqueSerial();
    support.registerDevice(serial, "SMT1500C", account);
    usernames.put(Role.SUPPORT, GatewayFixture.SUPPORT_USER);
    for (Role role : List.of(Role.ACCOUNT_ADMIN, Role.ACCOUNT_OPERATOR, Role.ACCOUNT_VIEWER)) {
      String name = role.name().toLowerCase().replace('_', '-') + "-access";
      support.createUser(account, name, PASSWORD, role.name());
      usernames.put(role, name);
    }
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void everyRouteRefusesExactlyTheRolesTheTableDoesNotAllow() throws Exception {
    List<String> wrong = new ArrayList<>();
    // Every role with an account or support; a RESELLER (made only through an accepted invitation)
    // is walked over the same routes by ResellerIT.
    for (Role role : usernames.keySet()) {
      String token = signIn(role);
      for (AccessRules.Rule rule : AccessRules.RULES) {
        // Signing out everywhere ends every token of the user: sign in again afterwards.
        boolean signsOut = rule.pattern().startsWith("/auth/logout");
        int status = call(rule, signsOut ? signIn(role) : token);
        if (signsOut) token = signIn(role);
        boolean allowed = rule.allows(role);
        if (status == 401 || status == 405 || status == 429 || (status == 403) == allowed) {
          wrong.add(
              role
                  + " "
                  + rule.method()
                  + " "
                  + rule.pattern()
                  + ": "
                  + status
                  + (allowed ? " (allowed)" : " (not allowed)"));
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void aRouteMissingFromTheTableIsNotServed() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(gw.httpBase().resolve("/api/v1/devices/" + serial + "/nothing"))
                .header("Authorization", "Bearer " + signIn(Role.SUPPORT))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
  }

  @Test
  void theReadmeShowsTheTable() throws Exception {
    Path readme = Path.of("..", "README.md");
    assertThat(Files.readString(readme)).contains(AccessRules.markdown());
  }

  private static String signIn(Role role) {
    String password = role == Role.SUPPORT ? GatewayFixture.SUPPORT_PASSWORD : PASSWORD;
    return gw.client(usernames.get(role), password).token();
  }

  /** Calls the rule's route with placeholders filled in and an empty JSON object as the body. */
  private static int call(AccessRules.Rule rule, String token) throws Exception {
    String path =
        rule.pattern()
            .replace("/accounts/{id}", "/accounts/" + account)
            .replace("{serial}", serial)
            .replace("{userId}", UUID.randomUUID().toString())
            .replace("{id}", UUID.randomUUID().toString())
            .replace("{destinationId}", UUID.randomUUID().toString())
            .replace("{policyId}", UUID.randomUUID().toString())
            .replace("{file}", "my-inventory.csv")
            .replace("{code}", "AAAA-BBBB-CCCC-DDDD");
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gw.httpBase() + "/api/v1" + path))
            .header("Authorization", "Bearer " + token);
    if (rule.method().equals("GET") || rule.method().equals("DELETE")) {
      b.method(rule.method(), HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(rule.method(), HttpRequest.BodyPublishers.ofString("{}"));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
