package io.upsfleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.AuditEntryView;
import io.upsfleet.api.rest.CursorPage;
import io.upsfleet.api.rest.TokenResponse;
import io.upsfleet.api.rest.UserView;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Users' lifecycles (disable, enable, role, password reset and change, sign-out everywhere, support
 * users) and the audit trail that records them, on a real node.
 */
class PeopleIT {
  private static final String PASSWORD = "a-long-password-123";
  private static final HttpClient http = ContractHttpClient.checked(HttpClient.newHttpClient());
  private static GatewayFixture gw;
  private static UpsfleetClient support;

  @BeforeAll
  static void start() {
    gw = GatewayFixture.start("PeopleIT");
    support = gw.support();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + GatewayFixture.uniqueSerial().toLowerCase();
  }

  private static int get(String token, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(gw.httpBase() + path))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int signInStatus(String username, String password) {
    try {
      gw.client(username, password);
      return 200;
    } catch (UpsfleetClient.ApiError e) {
      return e.status();
    }
  }

  @Test
  void anAdminDisablesAndEnablesAUserAndChangesItsRole() throws Exception {
    String account = support.createAccount(unique("Lifecycle")).id();
    String adminName = unique("admin");
    support.createUser(account, adminName, PASSWORD, "ACCOUNT_ADMIN");
    UpsfleetClient admin = gw.client(adminName, PASSWORD);
    String name = unique("viewer");
    UserView viewer = admin.createUser(account, name, PASSWORD, "ACCOUNT_VIEWER");
    UpsfleetClient asViewer = gw.client(name, PASSWORD);
    String token = asViewer.token();
    assertThat(get(token, "/api/v1/audit")).isEqualTo(403);

    // A new role applies to the open session at once.
    assertThat(admin.updateUser(account, viewer.id(), null, "ACCOUNT_ADMIN").role())
        .isEqualTo("ACCOUNT_ADMIN");
    assertThat(get(token, "/api/v1/audit")).isEqualTo(200);

    UserView off = admin.updateUser(account, viewer.id(), true, null);
    assertThat(off.disabled()).isTrue();
    assertThat(get(token, "/api/v1/accounts/" + account)).isEqualTo(401);
    assertThat(signInStatus(name, PASSWORD)).isEqualTo(401);
    assertThat(admin.users(account))
        .filteredOn(u -> u.username().equals(name))
        .singleElement()
        .matches(UserView::disabled);

    admin.updateUser(account, viewer.id(), false, null);
    assertThat(signInStatus(name, PASSWORD)).isEqualTo(200);
    // The old token stays revoked.
    assertThat(get(token, "/api/v1/accounts/" + account)).isEqualTo(401);

    // Another account's admin cannot touch the user (404), nor can anyone make it support.
    String other = support.createAccount(unique("Other")).id();
    String otherAdmin = unique("admin");
    support.createUser(other, otherAdmin, PASSWORD, "ACCOUNT_ADMIN");
    UpsfleetClient stranger = gw.client(otherAdmin, PASSWORD);
    assertThatThrownBy(() -> stranger.updateUser(account, viewer.id(), true, null))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(404));
    assertThatThrownBy(() -> stranger.updateUser(other, viewer.id(), true, null))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(404));
    assertThatThrownBy(() -> admin.updateUser(account, viewer.id(), null, "SUPPORT"))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(400));
  }

  @Test
  void aResetPasswordMustBeChangedBeforeAnythingElse() throws Exception {
    String account = support.createAccount(unique("Reset")).id();
    String name = unique("operator");
    UserView user = support.createUser(account, name, PASSWORD, "ACCOUNT_OPERATOR");
    String before = gw.client(name, PASSWORD).token();

    support.resetPassword(account, user.id(), "a-temporary-password-1");
    assertThat(get(before, "/api/v1/accounts/" + account)).isEqualTo(401);
    assertThat(signInStatus(name, PASSWORD)).isEqualTo(401);

    UpsfleetClient reset = new UpsfleetClient(gw.httpBase(), ContractHttpClient.newClient());
    TokenResponse t = reset.signIn(name, "a-temporary-password-1");
    assertThat(t.mustChangePassword()).isTrue();
    assertThat(get(t.token(), "/api/v1/accounts/" + account)).isEqualTo(403);

    assertThatThrownBy(() -> reset.changePassword("wrong-password-123", "my-own-password-99"))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(400));
    reset.changePassword("a-temporary-password-1", "my-own-password-99");
    assertThat(get(t.token(), "/api/v1/accounts/" + account)).isEqualTo(200);
    assertThat(
            gw.client(name, "my-own-password-99")
                .signIn(name, "my-own-password-99")
                .mustChangePassword())
        .isFalse();
  }

  @Test
  void changingOnesPasswordOrSigningOutEverywhereEndsTheOtherSessions() throws Exception {
    String account = support.createAccount(unique("Sessions")).id();
    String name = unique("viewer");
    support.createUser(account, name, PASSWORD, "ACCOUNT_VIEWER");
    UpsfleetClient here = gw.client(name, PASSWORD);
    String elsewhere = gw.client(name, PASSWORD).token();
    here.changePassword(PASSWORD, "a-new-password-456");
    assertThat(get(elsewhere, "/api/v1/accounts/" + account)).isEqualTo(401);
    assertThat(get(here.token(), "/api/v1/accounts/" + account)).isEqualTo(200);

    String third = gw.client(name, "a-new-password-456").token();
    here.signOutEverywhere();
    assertThat(get(third, "/api/v1/accounts/" + account)).isEqualTo(401);
    assertThat(get(here.token(), "/api/v1/accounts/" + account)).isEqualTo(401);
  }

  @Test
  void supportUsersAreDisabledButNeverTheLastActiveOne() throws Exception {
    String colleague = unique("support");
    http.send(
        HttpRequest.newBuilder(URI.create(gw.httpBase() + "/api/v1/support-users"))
            .header("Authorization", "Bearer " + support.token())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"" + colleague + "\",\"password\":\"" + PASSWORD + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.discarding());
    UpsfleetClient other = gw.client(colleague, PASSWORD);
    List<UserView> supports = support.supportUsers();
    UserView me =
        supports.stream()
            .filter(u -> u.username().equals(GatewayFixture.SUPPORT_USER))
            .findFirst()
            .orElseThrow();
    UserView them =
        supports.stream().filter(u -> u.username().equals(colleague)).findFirst().orElseThrow();
    // Every other support user disabled first (other tests of this class may have added some).
    for (UserView u : supports) {
      if (!u.id().equals(me.id()) && !u.id().equals(them.id()) && !u.disabled())
        support.updateSupportUser(u.id(), true);
    }
    support.updateSupportUser(them.id(), true);
    assertThat(get(other.token(), "/api/v1/accounts")).isEqualTo(401);
    // Now the colleague is gone, the caller is the last one: refused.
    support.updateSupportUser(them.id(), false);
    UpsfleetClient back = gw.client(colleague, PASSWORD);
    back.updateSupportUser(me.id(), true);
    assertThatThrownBy(() -> back.updateSupportUser(them.id(), true))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(409));
    back.updateSupportUser(me.id(), false);
    support = gw.support();
  }

  @Test
  void everyChangeAndSupportReadIsAuditedOnceWithWhoWhereAndOutcome() throws Exception {
    String account = support.createAccount(unique("Audited")).id();
    String adminName = unique("admin");
    support.createUser(account, adminName, PASSWORD, "ACCOUNT_ADMIN");
    UpsfleetClient admin = gw.client(adminName, PASSWORD);
    String opName = unique("operator");
    UserView op = admin.createUser(account, opName, PASSWORD, "ACCOUNT_OPERATOR");
    UpsfleetClient operator = gw.client(opName, PASSWORD);
    assertThatThrownBy(() -> operator.createUser(account, unique("x"), PASSWORD, "ACCOUNT_VIEWER"))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(403));
    admin.updateUser(account, op.id(), true, null);
    support.users(account);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(admin.audit(Map.of("size", "50")).items())
                    .extracting(
                        e -> e.actor() + " " + e.role() + " " + e.action() + " " + e.outcome())
                    .containsSubsequence(
                        "support SUPPORT user.list OK",
                        adminName + " ACCOUNT_ADMIN user.update OK",
                        opName + " ACCOUNT_OPERATOR user.create FORBIDDEN",
                        adminName + " ACCOUNT_ADMIN user.create OK"));
    List<AuditEntryView> mine = admin.audit(Map.of("size", "50")).items();
    assertThat(mine).allSatisfy(e -> assertThat(e.accountId()).isEqualTo(account));
    assertThat(mine)
        .filteredOn(e -> e.action().equals("user.update"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("127.0.0.1");
              assertThat(e.target()).endsWith("/users/" + op.id());
              assertThat(e.at()).isNotNull();
            });
    // Only support and admins read the trail; another account's admin sees none of it.
    String other = support.createAccount(unique("Elsewhere")).id();
    String otherAdmin = unique("admin");
    support.createUser(other, otherAdmin, PASSWORD, "ACCOUNT_ADMIN");
    assertThat(gw.client(otherAdmin, PASSWORD).audit(Map.of("actor", adminName)).items()).isEmpty();
    assertThatThrownBy(() -> gw.client(otherAdmin, PASSWORD).audit(Map.of("accountId", account)))
        .satisfies(e -> assertThat(((UpsfleetClient.ApiError) e).status()).isEqualTo(404));

    // CSV of the same filter.
    String csv = admin.auditCsv(Map.of("action", "user."));
    assertThat(csv.lines().findFirst().orElse(""))
        .isEqualTo("id,at,actor,role,source,accountId,action,target,outcome,details");
    assertThat(csv).contains(",user.update,").contains(",FORBIDDEN,");
  }

  @Test
  void theAuditCursorIsStableWhileRecordsArrive() throws Exception {
    String account = support.createAccount(unique("Cursor")).id();
    String adminName = unique("admin");
    support.createUser(account, adminName, PASSWORD, "ACCOUNT_ADMIN");
    UpsfleetClient admin = gw.client(adminName, PASSWORD);
    for (int i = 0; i < 5; i++)
      admin.createUser(account, unique("u" + i), PASSWORD, "ACCOUNT_VIEWER");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> admin.audit(Map.of("action", "user.create")).items().size() == 6);
    CursorPage<AuditEntryView> first = admin.audit(Map.of("action", "user.create", "size", "2"));
    admin.createUser(account, unique("late"), PASSWORD, "ACCOUNT_VIEWER");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> admin.audit(Map.of("action", "user.create")).items().size() == 7);
    Set<Long> seen = new HashSet<>();
    first.items().forEach(e -> seen.add(e.id()));
    String next = first.next();
    int pages = 1;
    while (next != null) {
      CursorPage<AuditEntryView> page =
          admin.audit(Map.of("action", "user.create", "size", "2", "after", next));
      for (AuditEntryView e : page.items()) assertThat(seen.add(e.id())).isTrue();
      next = page.next();
      pages++;
    }
    // Support's creation of the admin and the admin's five: six, none twice, none of the later one.
    assertThat(seen).hasSize(6);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void theAuditTableIsAppendOnlyForTheApplicationsRole() throws Exception {
    var db = gw.database();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO audit_log (at, actor, action, outcome) VALUES (now(), 'test', 'x', 'OK')");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE audit_log SET outcome = 'CHANGED'"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM audit_log"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
      assertThatThrownBy(() -> s.executeUpdate("TRUNCATE audit_log"))
          .isInstanceOf(SQLException.class);
    }
  }
}
