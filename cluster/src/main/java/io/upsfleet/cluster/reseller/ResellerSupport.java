package io.upsfleet.cluster.reseller;

import com.typesafe.config.Config;
import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.PasswordHasher;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.cluster.account.User;
import io.upsfleet.cluster.device.DeviceModels;
import io.upsfleet.cluster.licensing.ActivationCodes;
import io.upsfleet.cluster.notify.EmailOutbox;
import io.upsfleet.cluster.report.BatteryLife;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consents and invitations of reseller renewal support, over {@code reseller_invitations}.
 *
 * <ul>
 *   <li>{@link #invite}: an account admin names the reseller's e-mail; the consent is recorded
 *       (who, when, scope {@link #SCOPE}) and a single-use code (125 random bits, stored as its
 *       SHA-256 only, so it cannot be forged or read back) is e-mailed to the reseller. It expires
 *       after {@link #VALID_FOR}; inviting again supersedes the earlier invitation and its code.
 *   <li>{@link #accept}: the reseller redeems the code (once) and gets a RESELLER user, or links
 *       the invitation to the one it has.
 *   <li>{@link #revoke}: ends the consent at once: every read checks it, and no digest is sent
 *       after.
 *   <li>{@link #sendDigests}: one e-mail per account and day to its accepted reseller listing what
 *       ends in exactly 90, 30, 7 or 0 days (plan coverage, warranty, battery warranty, battery
 *       replace-by); its outbox key makes a second run on the same day send nothing.
 * </ul>
 *
 * Thread-safe; every method runs on the JDBC pool.
 */
public final class ResellerSupport {
  private static final Logger log = LoggerFactory.getLogger(ResellerSupport.class);

  /** What the account shares: lifecycle data only, never operational data. */
  public static final String SCOPE =
      "LIFECYCLE: RBC part numbers, battery/warranty/license expiry dates, replacement SKUs";

  /** How long an invitation may be accepted. */
  public static final Duration VALID_FOR = Duration.ofDays(7);

  /** The days before an expiry on which the digest lists it. */
  public static final Set<Long> REMINDER_DAYS = Set.of(90L, 30L, 7L, 0L);

  /** Where an invitation stands. */
  public enum Status {
    INVITED,
    ACCEPTED,
    EXPIRED,
    REVOKED
  }

  /** The account's current invitation (its code never leaves the e-mail). */
  public record Invitation(
      UUID id,
      UUID accountId,
      String resellerEmail,
      String scope,
      String consentedBy,
      Instant consentedAt,
      Instant expiresAt,
      Instant acceptedAt,
      Instant revokedAt,
      String revokedBy,
      Status status) {}

  /** Why an acceptance was refused. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  private final Jdbc jdbc;
  private final Accounts accounts;
  private final String acceptUrl;

  /**
   * @param acceptUrl the page a reseller opens to accept (the code is appended as {@code ?code=})
   */
  public ResellerSupport(Jdbc jdbc, Accounts accounts, String acceptUrl) {
    this.jdbc = jdbc;
    this.accounts = accounts;
    this.acceptUrl = acceptUrl;
  }

  /**
   * The node's reseller support ({@code upsfleet.reseller}), with the digests looked for every
   * {@code digest-interval} (a failed round is logged and tried again at the next).
   */
  public static ResellerSupport start(
      ActorSystem<?> system, Jdbc jdbc, Accounts accounts, Config config, Clock clock) {
    ResellerSupport support =
        new ResellerSupport(jdbc, accounts, config.getString("upsfleet.reseller.accept-url"));
    Duration every = config.getDuration("upsfleet.reseller.digest-interval");
    system
        .scheduler()
        .scheduleAtFixedRate(
            Duration.ofMinutes(1),
            every,
            () ->
                support
                    .sendDigests(clock.instant())
                    .whenComplete(
                        (n, e) -> {
                          if (e != null) log.warn("reseller digests failed: {}", e.toString());
                          else if (n > 0) log.info("reseller digests queued: {}", n);
                        }),
            system.executionContext());
    return support;
  }

  /** Records the consent and e-mails a new invitation; an earlier one is superseded. */
  public CompletionStage<Invitation> invite(UUID accountId, String email, String by, Instant now) {
    String code = ActivationCodes.generate();
    UUID id = UUID.randomUUID();
    return jdbc.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE reseller_invitations SET superseded_at = ?"
                      + " WHERE account_id = ? AND superseded_at IS NULL")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, accountId);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO reseller_invitations (id, account_id, reseller_email, scope,"
                      + " consented_by, consented_at, code_hash, expires_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, accountId);
            ps.setString(3, email);
            ps.setString(4, SCOPE);
            ps.setString(5, by);
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setBytes(7, PasswordHasher.sha256(code));
            ps.setTimestamp(8, Timestamp.from(now.plus(VALID_FOR)));
            ps.executeUpdate();
          }
          EmailOutbox.enqueue(
              c,
              "reseller-invite:" + id,
              email,
              "You are invited as preferred reseller",
              "An account of this upsfleet service names you as its preferred reseller and consents"
                  + " to share lifecycle data with you ("
                  + SCOPE
                  + ").\n\nAccept within 7 days (until "
                  + now.plus(VALID_FOR)
                  + ") with this single-use code:\n\n  "
                  + code
                  + "\n\nor open "
                  + acceptUrl
                  + "?code="
                  + code
                  + "\n",
              now);
          return current(c, accountId, now).orElseThrow();
        });
  }

  /** The account's current invitation, if any. */
  public CompletionStage<Optional<Invitation>> status(UUID accountId, Instant now) {
    return jdbc.run(c -> current(c, accountId, now));
  }

  /** Revokes the account's consent at once; false when there was nothing to revoke. */
  public CompletionStage<Boolean> revoke(UUID accountId, String by, Instant now) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE reseller_invitations SET revoked_at = ?, revoked_by = ?"
                      + " WHERE account_id = ? AND superseded_at IS NULL AND revoked_at IS NULL")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, by);
            ps.setObject(3, accountId);
            return ps.executeUpdate() > 0;
          }
        });
  }

  /**
   * Accepts the invitation of {@code typedCode}: valid only once, before it expires, while neither
   * superseded nor revoked. The reseller's user is its e-mail; it is created with {@code password}
   * unless it exists as a reseller already. Completes with the invitation, or fails with {@link
   * Refused}.
   */
  public CompletionStage<Invitation> accept(String typedCode, String password, Instant now) {
    Optional<String> code = ActivationCodes.normalize(typedCode);
    if (code.isEmpty()) {
      return CompletableFuture.failedFuture(new Refused("the code is not valid"));
    }
    byte[] hash = PasswordHasher.sha256(code.get());
    return jdbc.run(c -> pending(c, hash, now))
        .thenCompose(
            inv ->
                resellerUser(inv.resellerEmail(), password)
                    .thenCompose(userId -> jdbc.run(c -> link(c, inv, hash, userId, now))));
  }

  /** The accounts whose consent to {@code resellerUserId} stands now. */
  public CompletionStage<List<Invitation>> accountsOf(UUID resellerUserId, Instant now) {
    return jdbc.run(
        c -> {
          List<Invitation> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  SELECT
                      + " WHERE reseller_user_id = ? AND superseded_at IS NULL"
                      + " AND revoked_at IS NULL AND accepted_at IS NOT NULL ORDER BY account_id")) {
            ps.setObject(1, resellerUserId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(invitation(rs, now));
            }
          }
          return out;
        });
  }

  /** Whether {@code resellerUserId} may read {@code accountId}'s renewal data now. */
  public CompletionStage<Boolean> mayRead(UUID resellerUserId, UUID accountId) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT 1 FROM reseller_invitations WHERE reseller_user_id = ? AND account_id = ?"
                      + " AND superseded_at IS NULL AND revoked_at IS NULL AND accepted_at IS NOT NULL")) {
            ps.setObject(1, resellerUserId);
            ps.setObject(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /**
   * Queues today's digest for every account with an accepted, unrevoked consent and something
   * ending in exactly 90, 30, 7 or 0 days; completes with the number queued (a second run on the
   * same UTC day queues none).
   */
  public CompletionStage<Integer> sendDigests(Instant now) {
    LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
    return jdbc.inTransaction(
        c -> {
          List<Invitation> live = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  SELECT
                      + " WHERE superseded_at IS NULL AND revoked_at IS NULL"
                      + " AND accepted_at IS NOT NULL")) {
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) live.add(invitation(rs, now));
            }
          }
          int queued = 0;
          for (Invitation inv : live) {
            List<String> lines = dueLines(c, inv.accountId(), today);
            if (lines.isEmpty()) continue;
            String key = "reseller-digest:" + inv.id() + ":" + today;
            if (outboxHas(c, key)) continue;
            EmailOutbox.enqueue(
                c,
                key,
                inv.resellerEmail(),
                "Renewals due for account " + inv.accountId() + " (" + today + ")",
                "Lifecycle reminders (90/30/7/0 days before each expiry) shared with you by consent ("
                    + SCOPE
                    + "):\n\n"
                    + String.join("\n", lines)
                    + "\n",
                now);
            queued++;
          }
          return queued;
        });
  }

  // -----------------------------------------------------------------------------------------

  private static final String SELECT =
      "SELECT id, account_id, reseller_email, scope, consented_by, consented_at, expires_at,"
          + " accepted_at, revoked_at, revoked_by FROM reseller_invitations";

  private static Optional<Invitation> current(Connection c, UUID accountId, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(SELECT + " WHERE account_id = ? AND superseded_at IS NULL")) {
      ps.setObject(1, accountId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(invitation(rs, now)) : Optional.empty();
      }
    }
  }

  private static Invitation invitation(ResultSet rs, Instant now) throws SQLException {
    Instant expires = rs.getTimestamp(7).toInstant();
    Instant accepted = instant(rs.getTimestamp(8));
    Instant revoked = instant(rs.getTimestamp(9));
    Status status =
        revoked != null
            ? Status.REVOKED
            : accepted != null
                ? Status.ACCEPTED
                : now.isBefore(expires) ? Status.INVITED : Status.EXPIRED;
    return new Invitation(
        rs.getObject(1, UUID.class),
        rs.getObject(2, UUID.class),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getTimestamp(6).toInstant(),
        expires,
        accepted,
        revoked,
        rs.getString(10),
        status);
  }

  private static Invitation pending(Connection c, byte[] hash, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(SELECT + " WHERE code_hash = ? AND superseded_at IS NULL")) {
      ps.setBytes(1, hash);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next())
          throw new Refused("the code is unknown or was replaced by a newer invitation");
        Invitation inv = invitation(rs, now);
        if (inv.status() != Status.INVITED) {
          throw new Refused("the invitation is " + inv.status().name().toLowerCase());
        }
        return inv;
      }
    }
  }

  private CompletionStage<UUID> resellerUser(String email, String password) {
    return jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, role FROM users WHERE lower(username) = lower(?)")) {
                ps.setString(1, email);
                try (ResultSet rs = ps.executeQuery()) {
                  if (!rs.next()) return Optional.<UUID>empty();
                  if (!Role.RESELLER.name().equals(rs.getString(2))) {
                    throw new Refused("the user " + email + " exists and is not a reseller");
                  }
                  return Optional.of(rs.getObject(1, UUID.class));
                }
              }
            })
        .thenCompose(
            existing ->
                existing.isPresent()
                    ? CompletableFuture.completedFuture(existing.get())
                    : accounts
                        .createUser(email, password, Role.RESELLER, null)
                        .thenApply(User::id));
  }

  private static Invitation link(
      Connection c, Invitation inv, byte[] hash, UUID userId, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE reseller_invitations SET accepted_at = ?, reseller_user_id = ?"
                + " WHERE code_hash = ? AND superseded_at IS NULL AND revoked_at IS NULL"
                + " AND accepted_at IS NULL AND expires_at > ?")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setObject(2, userId);
      ps.setBytes(3, hash);
      ps.setTimestamp(4, Timestamp.from(now));
      if (ps.executeUpdate() == 0)
        throw new Refused("the invitation was used or withdrawn meanwhile");
    }
    return current(c, inv.accountId(), now).orElseThrow();
  }

  private static List<String> dueLines(Connection c, UUID accountId, LocalDate today)
      throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT d.serial, d.model, d.registered_at, d.covered_until, d.warranty_ends_at,"
                + " d.battery_warranty_ends_at, b.battery_date FROM device_directory d"
                + " LEFT JOIN LATERAL (SELECT battery_date FROM telemetry_history t"
                + " WHERE t.serial = d.serial AND battery_date IS NOT NULL ORDER BY at DESC LIMIT 1) b"
                + " ON true WHERE d.account_id = ? ORDER BY d.serial")) {
      ps.setObject(1, accountId);
      ps.setFetchSize(500);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String serial = rs.getString(1);
          String model = rs.getString(2);
          String rbc = DeviceModels.find(model).map(DeviceModels.Model::rbc).orElse("unknown RBC");
          LocalDate installed =
              BatteryLife.installed(
                  rs.getObject(7, LocalDate.class), rs.getTimestamp(3).toInstant());
          due(
              lines,
              today,
              serial,
              model,
              "plan coverage ends (license SKU renewal)",
              date(rs.getTimestamp(4)));
          due(lines, today, serial, model, "warranty ends (WEXTWAR)", date(rs.getTimestamp(5)));
          due(
              lines,
              today,
              serial,
              model,
              "battery warranty ends (WBEXTWAR)",
              date(rs.getTimestamp(6)));
          due(
              lines,
              today,
              serial,
              model,
              "battery replace-by (" + rbc + ")",
              BatteryLife.replaceBy(model, installed));
        }
      }
    }
    return lines;
  }

  private static void due(
      List<String> lines, LocalDate today, String serial, String model, String what, LocalDate on) {
    if (on == null) return;
    long days = ChronoUnit.DAYS.between(today, on);
    if (REMINDER_DAYS.contains(days)) {
      lines.add(
          "- " + serial + " (" + model + "): " + what + " on " + on + ", in " + days + " days");
    }
  }

  private static boolean outboxHas(Connection c, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM email_outbox WHERE dedup_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static LocalDate date(Timestamp t) {
    return t == null ? null : t.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
