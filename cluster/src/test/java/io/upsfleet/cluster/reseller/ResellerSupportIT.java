package io.upsfleet.cluster.reseller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.HashingPool;
import io.upsfleet.cluster.account.PasswordHasher;
import io.upsfleet.cluster.testing.TestClock;
import io.upsfleet.persistence.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reseller renewal support against a real PostgreSQL on a test clock (DOMAIN.md §9): "The reseller
 * must accept the invitation within 7 days; then it gets the lifecycle emails at 90/30/7/0 days
 * before each expiry. Consent is recorded (who, when, scope) and revocable at any time; after
 * revocation nothing more is sent."
 */
class ResellerSupportIT {
  private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
  private static HikariDataSource dataSource;
  private static ExecutorService threads;
  private static HashingPool hashing;
  private static Jdbc jdbc;
  private final TestClock clock = new TestClock(T0);
  private ResellerSupport support;
  private Accounts accounts;

  @BeforeAll
  static void start() {
    dataSource = TestDatabases.migrated("ResellerSupportIT");
    threads = Executors.newFixedThreadPool(2);
    hashing = new HashingPool(1, 8);
    jdbc = new Jdbc(dataSource, threads);
  }

  @AfterAll
  static void stop() {
    hashing.close();
    threads.shutdownNow();
    dataSource.close();
  }

  private ResellerSupport support() {
    if (support == null) {
      accounts =
          new Accounts(jdbc, new PasswordHasher(1_000), hashing, Duration.ofHours(12), clock);
      support = new ResellerSupport(jdbc, accounts, "http://localhost/reseller/accept");
    }
    return support;
  }

  private UUID account() {
    support();
    return accounts
        .createAccount("R " + UUID.randomUUID(), "support")
        .toCompletableFuture()
        .join()
        .id();
  }

  private static String email() {
    return "reseller-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  @Test
  void theConsentIsRecordedWithWhoWhenAndScopeAndTheCodeIsMailedToTheReseller() {
    UUID account = account();
    String email = email();
    var inv = support().invite(account, email, "alice", T0).toCompletableFuture().join();
    assertThat(inv.consentedBy()).isEqualTo("alice");
    assertThat(inv.consentedAt()).isEqualTo(T0);
    assertThat(inv.scope()).startsWith("LIFECYCLE");
    assertThat(inv.status()).isEqualTo(ResellerSupport.Status.INVITED);
    assertThat(inv.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(7)));
    assertThat(codeMailedTo(email)).isNotBlank();
  }

  @Test
  void anInvitationMustBeAcceptedWithinSevenDays() {
    UUID account = account();
    String email = email();
    support().invite(account, email, "alice", T0).toCompletableFuture().join();
    String code = codeMailedTo(email);
    Instant late = T0.plus(Duration.ofDays(7));
    assertThatThrownBy(
            () -> support().accept(code, "a-long-password-1", late).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ResellerSupport.Refused.class)
        .hasMessageContaining("expired");
    assertThat(support().status(account, late).toCompletableFuture().join().orElseThrow().status())
        .isEqualTo(ResellerSupport.Status.EXPIRED);

    // Re-invite: a new code, the old one is dead; accepted just before its 7 days run out.
    support().invite(account, email, "alice", late).toCompletableFuture().join();
    String second = newestCodeMailedTo(email);
    assertThat(second).isNotEqualTo(code);
    Instant inTime = late.plus(Duration.ofDays(7)).minusSeconds(1);
    assertThatThrownBy(
            () -> support().accept(code, "a-long-password-1", inTime).toCompletableFuture().join())
        .hasCauseInstanceOf(ResellerSupport.Refused.class);
    var accepted =
        support().accept(second, "a-long-password-1", inTime).toCompletableFuture().join();
    assertThat(accepted.status()).isEqualTo(ResellerSupport.Status.ACCEPTED);
    assertThatThrownBy(
            () ->
                support().accept(second, "a-long-password-1", inTime).toCompletableFuture().join())
        .as("single use")
        .hasCauseInstanceOf(ResellerSupport.Refused.class);
  }

  @Test
  void digestsGoOutAt90_30_7And0DaysOncePerDayAndStopOnRevocation() throws Exception {
    UUID account = account();
    String email = email();
    // A device whose warranty ends on 2026-06-09: 100 days after T0's day.
    insertDevice(account, Instant.parse("2026-06-09T12:00:00Z"));
    support().invite(account, email, "alice", T0).toCompletableFuture().join();
    UUID reseller =
        support()
            .accept(codeMailedTo(email), "a-long-password-1", T0)
            .toCompletableFuture()
            .join()
            .id();
    assertThat(reseller).isNotNull();

    List<Integer> sentOnDay = new ArrayList<>();
    for (int day = 0; day <= 100; day++) {
      Instant at = T0.plus(Duration.ofDays(day));
      int first = support().sendDigests(at).toCompletableFuture().join();
      int again = support().sendDigests(at.plusSeconds(3600)).toCompletableFuture().join();
      assertThat(again).as("once per account and day").isZero();
      if (first > 0) sentOnDay.add(100 - day);
    }
    assertThat(sentOnDay).as("days before the warranty's end").containsExactly(90, 30, 7, 0);
    assertThat(digestsTo(email)).hasSize(4);

    // Revoked: nothing more is sent, even on a reminder day.
    UUID other = account();
    insertDevice(other, T0.plus(Duration.ofDays(30)));
    support().invite(other, email, "bob", T0).toCompletableFuture().join();
    support().accept(newestCodeMailedTo(email), "ignored", T0).toCompletableFuture().join();
    assertThat(support().revoke(other, "bob", T0).toCompletableFuture().join()).isTrue();
    assertThat(support().sendDigests(T0).toCompletableFuture().join()).isZero();
    assertThat(support().status(other, T0).toCompletableFuture().join().orElseThrow().status())
        .isEqualTo(ResellerSupport.Status.REVOKED);
  }

  @Test
  void aRevokedConsentEndsTheResellersAccessAtOnce() {
    UUID account = account();
    String email = email();
    support().invite(account, email, "alice", T0).toCompletableFuture().join();
    support().accept(codeMailedTo(email), "a-long-password-1", T0).toCompletableFuture().join();
    UUID user = resellerUser(email);
    assertThat(support().mayRead(user, account).toCompletableFuture().join()).isTrue();
    assertThat(support().accountsOf(user, T0).toCompletableFuture().join())
        .extracting(ResellerSupport.Invitation::accountId)
        .containsExactly(account);
    support().revoke(account, "alice", T0.plusSeconds(60)).toCompletableFuture().join();
    assertThat(support().mayRead(user, account).toCompletableFuture().join()).isFalse();
    assertThat(support().accountsOf(user, T0).toCompletableFuture().join()).isEmpty();
  }

  // -----------------------------------------------------------------------------------------

  private static final Pattern CODE = Pattern.compile("single-use code:\\s+(\\S+)");

  private static String codeMailedTo(String email) {
    List<String> bodies = bodies(email, "reseller-invite:%");
    assertThat(bodies).hasSize(1);
    return code(bodies.get(0));
  }

  private static String newestCodeMailedTo(String email) {
    List<String> bodies = bodies(email, "reseller-invite:%");
    return code(bodies.get(bodies.size() - 1));
  }

  private static String code(String body) {
    Matcher m = CODE.matcher(body);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static List<String> digestsTo(String email) {
    return bodies(email, "reseller-digest:%");
  }

  private static List<String> bodies(String email, String keyLike) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT body FROM email_outbox WHERE recipient = ? AND dedup_key LIKE ? ORDER BY id")) {
      ps.setString(1, email);
      ps.setString(2, keyLike);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static UUID resellerUser(String email) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT id FROM users WHERE username = ? AND role = 'RESELLER'")) {
      ps.setString(1, email);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getObject(1, UUID.class);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A lithium device registered at T0 (its battery life is long), warranty ending at {@code ends}.
   */
  private static void insertDevice(UUID account, Instant warrantyEnds) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO device_directory (serial, account_id, model, registered_at, updated_at,"
                    + " warranty_ends_at) VALUES (?, ?, 'SMTL1500RM2UC', ?, ?, ?)")) {
      ps.setString(
          1, "RS" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase());
      ps.setObject(2, account);
      ps.setTimestamp(3, Timestamp.from(T0));
      ps.setTimestamp(4, Timestamp.from(T0));
      ps.setTimestamp(5, Timestamp.from(warrantyEnds));
      ps.executeUpdate();
    }
  }
}
