package io.upsfleet.cluster.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.upsfleet.cluster.device.EventType;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.persistence.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The notification rules against a real, migrated PostgreSQL: what the projection writes into the
 * outbox for plan reminders (one digest per account and day) and for a flapping device (one
 * summary, then silence).
 */
class NotificationRulesIT {
  private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
  private static HikariDataSource db;
  private static NotificationRules rules;

  @BeforeAll
  static void start() {
    db = TestDatabases.migrated("NotificationRulesIT");
    NotificationSettings settings = NotificationSettings.fromConfig(ConfigFactory.load().resolve());
    rules = new NotificationRules(settings, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
  }

  @Test
  void planRemindersOfOneDayAreOneDigestPerAccountAndEmailDestination() throws Exception {
    UUID account = account();
    UUID mail = destination(account, "EMAIL", "admins@example.com");
    destination(account, "WEBHOOK", "https://hooks.example.com/x");
    String a = device(account);
    String b = device(account);
    try (Connection c = db.getConnection()) {
      rules.apply(c, a, 7, reminder(90, "2027-03-06T00:00:00Z", NOW.minusSeconds(60)));
      rules.apply(c, b, 9, reminder(30, "2027-01-05T00:00:00Z", NOW.minusSeconds(50)));
      rules.apply(c, a, 8, reminder(7, "2026-12-13T00:00:00Z", NOW.minusSeconds(40)));
      // A replay of the projection changes nothing.
      rules.apply(c, b, 9, reminder(30, "2027-01-05T00:00:00Z", NOW.minusSeconds(50)));
    }
    List<String[]> rows = rows(account);
    assertThat(rows).hasSize(1);
    String[] row = rows.get(0);
    assertThat(row[0]).isEqualTo("digest:" + account + ":2026-12-06:" + mail);
    assertThat(row[1]).isEqualTo("HELD");
    assertThat(row[2]).contains("Plan reminders of 2026-12-06: 3 UPSs");
    assertThat(row[2])
        .contains("UPS " + a + ": STANDARD ends 2027-03-06 (in 90 days)")
        .contains("UPS " + b + ": STANDARD ends 2027-01-05 (in 30 days)")
        .contains("UPS " + a + ": STANDARD ends 2026-12-13 (in 7 days)");
  }

  @Test
  void aReminderAfterTheDaysDigestWentGoesAlone() throws Exception {
    UUID account = account();
    destination(account, "EMAIL", "admins@example.com");
    String a = device(account);
    try (Connection c = db.getConnection()) {
      rules.apply(c, a, 3, reminder(90, "2027-03-06T00:00:00Z", NOW.minusSeconds(60)));
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE notification_outbox SET status = 'SENT' WHERE account_id = ?")) {
        ps.setObject(1, account);
        ps.executeUpdate();
      }
      rules.apply(c, a, 4, reminder(0, "2026-12-06T07:00:00Z", NOW.minusSeconds(30)));
    }
    assertThat(rows(account)).extracting(r -> r[1]).containsExactlyInAnyOrder("SENT", "HELD");
  }

  @Test
  void aFlappingDeviceGetsOneSummaryAndThenNoPowerMessages() throws Exception {
    UUID account = account();
    UUID hook = destination(account, "WEBHOOK", "https://hooks.example.com/x");
    policy(account, hook);
    String d = device(account);
    long seq = 1;
    try (Connection c = db.getConnection()) {
      for (int i = 0; i < 6; i++) {
        Instant at = NOW.minusSeconds(300 - i * 40L);
        rules.apply(c, d, seq++, power(EventType.ON_BATTERY, at));
        rules.apply(c, d, seq++, power(EventType.POWER_RESTORED, at.plusSeconds(20)));
      }
    }
    List<String> kinds = new ArrayList<>();
    for (String[] r : rows(account)) kinds.add(r[3]);
    // Three outages (each restored after 20 s, past the 5-s blip window), then the summary.
    assertThat(kinds)
        .containsExactly("EVENT", "EVENT", "EVENT", "EVENT", "EVENT", "EVENT", "FLAPPING");
  }

  @Test
  void devicesGoingOnBatteryBeforeTheOpeningGoesOutAreNamedInItWithoutAnUpdate() throws Exception {
    UUID account = account();
    UUID hook = destination(account, "WEBHOOK", "https://hooks.example.com/x");
    policy(account, hook);
    UUID site = site(account, "Lyon-3");
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < 6; i++) devices.add(device(account, site));
    Instant start = NOW.minusSeconds(100);
    try (Connection c = db.getConnection()) {
      for (int i = 0; i < 5; i++)
        rules.apply(c, devices.get(i), 1, power(EventType.ON_BATTERY, start.plusSeconds(i)));
      for (int i = 0; i < 5; i++)
        rules.apply(
            c, devices.get(i), 2, power(EventType.POWER_RESTORED, start.plusSeconds(30 + i)));
    }
    List<String[]> rows = rows(account);
    List<String> kinds = new ArrayList<>();
    for (String[] r : rows) kinds.add(r[3] + ":" + r[1]);
    // Two held ON_BATTERY messages suppressed by the incident; the opening, still gathering when
    // devices 4 and 5 join, names all five; the end.
    assertThat(kinds)
        .containsExactly(
            "EVENT:SUPPRESSED",
            "EVENT:SUPPRESSED",
            "INCIDENT_OPENED:PENDING",
            "INCIDENT_RESOLVED:PENDING");
    assertThat(rows.get(2)[2]).contains("Site Lyon-3: 5 of 6 UPSs on battery since");
    for (int i = 0; i < 5; i++) assertThat(rows.get(2)[2]).contains(devices.get(i));
    assertThat(rows.get(3)[2]).contains("Site Lyon-3: power back at all UPSs after 34 s");
    // The opening waits for the gather time (2 s by default) before it goes.
    assertThat(due(rows.get(2)[0])).isEqualTo(NOW.plusSeconds(2));
  }

  @Test
  void devicesJoiningAfterTheOpeningWentMakeOneUpdateAnIntervalLaterWhichTheEndSuppresses()
      throws Exception {
    UUID account = account();
    UUID hook = destination(account, "WEBHOOK", "https://hooks.example.com/x");
    policy(account, hook);
    UUID site = site(account, "Lyon-2");
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < 6; i++) devices.add(device(account, site));
    Instant start = NOW.minusSeconds(100);
    try (Connection c = db.getConnection()) {
      for (int i = 0; i < 3; i++)
        rules.apply(c, devices.get(i), 1, power(EventType.ON_BATTERY, start.plusSeconds(i)));
      // The opening goes out.
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE notification_outbox SET status = 'SENT', attempts = 1"
                  + " WHERE account_id = ? AND kind = 'INCIDENT_OPENED'")) {
        ps.setObject(1, account);
        ps.executeUpdate();
      }
      for (int i = 3; i < 5; i++)
        rules.apply(c, devices.get(i), 1, power(EventType.ON_BATTERY, start.plusSeconds(i)));
      for (int i = 0; i < 5; i++)
        rules.apply(
            c, devices.get(i), 2, power(EventType.POWER_RESTORED, start.plusSeconds(30 + i)));
    }
    List<String[]> rows = rows(account);
    List<String> kinds = new ArrayList<>();
    for (String[] r : rows) kinds.add(r[3] + ":" + r[1]);
    // Two held ON_BATTERY messages suppressed by the incident, the opening (sent), one update
    // (devices 4 and 5, same interval: one row) suppressed by the end, and the end.
    assertThat(kinds)
        .containsExactly(
            "EVENT:SUPPRESSED",
            "EVENT:SUPPRESSED",
            "INCIDENT_OPENED:SENT",
            "INCIDENT_UPDATED:SUPPRESSED",
            "INCIDENT_RESOLVED:PENDING");
    assertThat(rows.get(2)[2]).contains("Site Lyon-2: 3 of 6 UPSs on battery since");
    assertThat(rows.get(3)[2]).contains("Site Lyon-2: 5 of 6 UPSs on battery");
    assertThat(rows.get(4)[2]).contains("Site Lyon-2: power back at all UPSs after 34 s");
    // The update was due a whole interval (60 s) after the opening went out (written at NOW, sent
    // after its 2-s gather), not a minute after the outage began.
    assertThat(due(rows.get(3)[0])).isEqualTo(NOW.plusSeconds(62));
  }

  @Test
  void aBasicDevicesEventsNotifyNoOne() throws Exception {
    UUID account = account();
    UUID hook = destination(account, "WEBHOOK", "https://hooks.example.com/x");
    policy(account, hook);
    String d = device(account);
    try (Connection c = db.getConnection()) {
      // On Basic the plan does not log (nor notify) device events: logged = false.
      rules.apply(
          c,
          d,
          1,
          new UpsDevice.EventRaised(
              EventType.OVERLOAD,
              EventType.OVERLOAD.severity(),
              null,
              null,
              -1,
              new TreeMap<>(),
              false,
              NOW));
      rules.apply(c, d, 2, power(EventType.LOW_BATTERY, NOW));
    }
    List<String> titles = new ArrayList<>();
    for (String[] r : rows(account)) titles.add(r[2]);
    assertThat(titles).hasSize(1);
    assertThat(titles.get(0)).contains("low battery");
  }

  @Test
  void thePurgeRemovesOnlyOldFinishedMessages() throws Exception {
    UUID account = account();
    UUID hook = destination(account, "WEBHOOK", "https://hooks.example.com/x");
    policy(account, hook);
    String d = device(account);
    try (Connection c = db.getConnection()) {
      rules.apply(c, d, 1, power(EventType.LOW_BATTERY, NOW));
      rules.apply(c, d, 2, power(EventType.OVERLOAD, NOW));
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE notification_outbox SET status = 'SENT' WHERE account_id = ? AND kind = 'EVENT'"
                  + " AND message->>'eventType' = 'LOW_BATTERY'")) {
        ps.setObject(1, account);
        ps.executeUpdate();
      }
      assertThat(NotificationStore.purge(c, NOW, 1000)).isZero();
      NotificationStore.purge(c, NOW.plusSeconds(1), 1000);
    }
    assertThat(rows(account)).extracting(r -> r[1]).containsExactly("PENDING");
  }

  // ----------------------------------------------------------------------------------- helpers

  private static UpsDevice.EventRaised reminder(int days, String endsAt, Instant at) {
    TreeMap<String, String> details = new TreeMap<>();
    details.put("days", Integer.toString(days));
    details.put("endsAt", endsAt);
    details.put("plan", "STANDARD");
    return new UpsDevice.EventRaised(
        EventType.PLAN_EXPIRING,
        EventType.PLAN_EXPIRING.severity(),
        null,
        null,
        -1,
        details,
        true,
        at);
  }

  private static UpsDevice.EventRaised power(EventType type, Instant at) {
    return new UpsDevice.EventRaised(
        type, type.severity(), null, null, -1, new TreeMap<>(), true, at);
  }

  /** delivery key, status, message, kind of the account's outbox rows in order. */
  private static List<String[]> rows(UUID account) throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT delivery_key, status, message::text, kind FROM notification_outbox"
                    + " WHERE account_id = ? ORDER BY id")) {
      ps.setObject(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next())
          out.add(
              new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
      }
    }
    return out;
  }

  /** When the outbox row {@code key} is (or was) due to go out. */
  private static Instant due(String key) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT next_attempt_at FROM notification_outbox WHERE delivery_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getTimestamp(1).toInstant();
      }
    }
  }

  private static UUID account() throws SQLException {
    UUID id = UUID.randomUUID();
    exec(
        "INSERT INTO accounts (id, name, created_at, created_by) VALUES (?, ?, ?, 'test')",
        id,
        "acct " + id,
        Timestamp.from(NOW));
    return id;
  }

  private static String device(UUID account) throws SQLException {
    String serial =
        ("NR" + UUID.randomUUID().toString().replace("-", "")).substring(0, 12).toUpperCase();
    exec(
        "INSERT INTO device_credentials (serial, account_id, secret_hash, created_at) VALUES (?, ?, ?, ?)",
        serial,
        account,
        new byte[32],
        Timestamp.from(NOW));
    return serial;
  }

  private static UUID site(UUID account, String name) throws SQLException {
    UUID id = UUID.randomUUID();
    exec(
        "INSERT INTO sites (id, account_id, name, created_at) VALUES (?, ?, ?, ?)",
        id,
        account,
        name,
        Timestamp.from(NOW));
    return id;
  }

  private static String device(UUID account, UUID site) throws SQLException {
    String serial = device(account);
    exec(
        "INSERT INTO device_sites (serial, account_id, site_id, updated_at) VALUES (?, ?, ?, ?)",
        serial,
        account,
        site,
        Timestamp.from(NOW));
    return serial;
  }

  private static UUID destination(UUID account, String type, String target) throws SQLException {
    UUID id = UUID.randomUUID();
    exec(
        "INSERT INTO notification_destinations (id, account_id, type, name, target, created_at)"
            + " VALUES (?, ?, ?, 'd', ?, ?)",
        id,
        account,
        type,
        target,
        Timestamp.from(NOW));
    return id;
  }

  private static void policy(UUID account, UUID destination) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO notification_policies (id, account_id, name, min_severity, destination_ids, created_at)"
                    + " VALUES (?, ?, 'all', 'WARNING', ?, ?)")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setObject(2, account);
      ps.setArray(3, c.createArrayOf("uuid", new Object[] {destination}));
      ps.setTimestamp(4, Timestamp.from(NOW));
      ps.executeUpdate();
    }
  }

  private static void exec(String sql, Object... args) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      ps.executeUpdate();
    }
  }
}
