package io.upsfleet.cluster.notify;

import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.device.EventType;
import io.upsfleet.cluster.device.Severity;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The notification tables: destinations, policies, the delivery log (the outbox) and incidents. The
 * async methods never block their caller; the static ones work inside a caller's transaction.
 */
public final class NotificationStore {
  private final Jdbc jdbc;

  public NotificationStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** One line of the delivery log. */
  public record Delivery(
      long id,
      String key,
      UUID destinationId,
      String destinationName,
      String destinationType,
      String kind,
      String title,
      String serial,
      UUID incidentId,
      List<String> events,
      String status,
      int attempts,
      String lastError,
      Instant createdAt,
      Instant nextAttemptAt,
      Instant sentAt) {}

  /** A site outage. */
  public record Incident(
      UUID id,
      UUID siteId,
      String siteName,
      Instant startedAt,
      Instant endedAt,
      int onBattery,
      int peak,
      int devicesTotal,
      List<String> serials) {}

  // ------------------------------------------------------------------------------ destinations

  public CompletionStage<Destination> createDestination(Destination d) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO notification_destinations (id, account_id, type, name, target, secret, created_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, d.id());
            ps.setObject(2, d.accountId());
            ps.setString(3, d.type().name());
            ps.setString(4, d.name());
            ps.setString(5, d.target());
            ps.setString(6, d.secret());
            ps.setTimestamp(7, Timestamp.from(d.createdAt()));
            ps.executeUpdate();
          }
          return d;
        });
  }

  public CompletionStage<List<Destination>> destinations(UUID accountId) {
    return jdbc.run(c -> destinations(c, accountId, null));
  }

  public CompletionStage<Optional<Destination>> destination(UUID accountId, UUID id) {
    return jdbc.run(c -> destinations(c, accountId, id).stream().findFirst());
  }

  static List<Destination> destinations(Connection c, UUID accountId, UUID only)
      throws SQLException {
    List<Destination> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, account_id, type, name, target, secret, created_at FROM notification_destinations"
                + " WHERE account_id = ? AND (?::uuid IS NULL OR id = ?::uuid) ORDER BY created_at, id")) {
      ps.setObject(1, accountId);
      ps.setObject(2, only);
      ps.setObject(3, only);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(destination(rs));
      }
    }
    return out;
  }

  static Destination destination(ResultSet rs) throws SQLException {
    return new Destination(
        (UUID) rs.getObject("id"),
        (UUID) rs.getObject("account_id"),
        DestinationType.valueOf(rs.getString("type")),
        rs.getString("name"),
        rs.getString("target"),
        rs.getString("secret"),
        rs.getTimestamp("created_at").toInstant());
  }

  // ---------------------------------------------------------------------------------- policies

  public CompletionStage<Policy> createPolicy(Policy p) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO notification_policies (id, account_id, name, min_severity, event_types, site_ids,"
                      + " serials, destination_ids, include_maintenance, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, p.id());
            ps.setObject(2, p.accountId());
            ps.setString(3, p.name());
            ps.setString(4, p.minSeverity() == null ? null : p.minSeverity().name());
            ps.setArray(
                5,
                c.createArrayOf(
                    "text", p.eventTypes().stream().map(Enum::name).sorted().toArray()));
            ps.setArray(6, c.createArrayOf("uuid", p.siteIds().toArray()));
            ps.setArray(7, c.createArrayOf("text", new TreeSet<>(p.serials()).toArray()));
            ps.setArray(8, c.createArrayOf("uuid", p.destinationIds().toArray()));
            ps.setBoolean(9, p.includeMaintenance());
            ps.setTimestamp(10, Timestamp.from(p.createdAt()));
            ps.executeUpdate();
          }
          return p;
        });
  }

  /**
   * Replaces a policy of the account (name, events, devices, destinations; its id, account and
   * creation time stay); false when the account has no such policy.
   */
  public CompletionStage<Boolean> updatePolicy(Policy p) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE notification_policies SET name = ?, min_severity = ?, event_types = ?,"
                      + " site_ids = ?, serials = ?, destination_ids = ?, include_maintenance = ?"
                      + " WHERE account_id = ? AND id = ?")) {
            ps.setString(1, p.name());
            ps.setString(2, p.minSeverity() == null ? null : p.minSeverity().name());
            ps.setArray(
                3,
                c.createArrayOf(
                    "text", p.eventTypes().stream().map(Enum::name).sorted().toArray()));
            ps.setArray(4, c.createArrayOf("uuid", p.siteIds().toArray()));
            ps.setArray(5, c.createArrayOf("text", new TreeSet<>(p.serials()).toArray()));
            ps.setArray(6, c.createArrayOf("uuid", p.destinationIds().toArray()));
            ps.setBoolean(7, p.includeMaintenance());
            ps.setObject(8, p.accountId());
            ps.setObject(9, p.id());
            return ps.executeUpdate() == 1;
          }
        });
  }

  public CompletionStage<List<Policy>> policies(UUID accountId) {
    return jdbc.run(c -> policies(c, accountId));
  }

  static List<Policy> policies(Connection c, UUID accountId) throws SQLException {
    List<Policy> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, account_id, name, min_severity, event_types, site_ids, serials, destination_ids,"
                + " include_maintenance, created_at FROM notification_policies WHERE account_id = ?"
                + " ORDER BY created_at, id")) {
      ps.setObject(1, accountId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String min = rs.getString(4);
          out.add(
              new Policy(
                  (UUID) rs.getObject(1),
                  (UUID) rs.getObject(2),
                  rs.getString(3),
                  min == null ? null : Severity.valueOf(min),
                  Arrays.stream(strings(rs.getArray(5)))
                      .map(EventType::fromName)
                      .flatMap(Optional::stream)
                      .collect(Collectors.toSet()),
                  Set.of(uuids(rs.getArray(6))),
                  Set.of(strings(rs.getArray(7))),
                  List.of(uuids(rs.getArray(8))),
                  rs.getBoolean(9),
                  rs.getTimestamp(10).toInstant()));
        }
      }
    }
    return out;
  }

  /**
   * Deletes a row of {@code table} ({@code notification_destinations}, whose outbox rows go with
   * it, or {@code notification_policies}) when it is the account's; false when there was none.
   */
  public CompletionStage<Boolean> delete(String table, UUID accountId, UUID id) {
    if (!table.equals("notification_destinations") && !table.equals("notification_policies"))
      throw new IllegalArgumentException(table);
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM " + table + " WHERE account_id = ? AND id = ?")) {
            ps.setObject(1, accountId);
            ps.setObject(2, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** How many of {@code ids} are destinations of the account. */
  public CompletionStage<Integer> countDestinations(UUID accountId, List<UUID> ids) {
    return count("notification_destinations", accountId, ids);
  }

  /** How many of {@code ids} are sites of the account. */
  public CompletionStage<Integer> countSites(UUID accountId, List<UUID> ids) {
    return count("sites", accountId, ids);
  }

  private CompletionStage<Integer> count(String table, UUID accountId, List<UUID> ids) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM " + table + " WHERE account_id = ? AND id = ANY(?)")) {
            ps.setObject(1, accountId);
            ps.setArray(2, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  // ---------------------------------------------------------------------- deliveries, incidents

  /** The account's delivery log, newest first. */
  public CompletionStage<List<Delivery>> deliveries(UUID accountId, int offset, int limit) {
    return jdbc.run(
        c -> {
          List<Delivery> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT o.id, o.delivery_key, o.destination_id, d.name, d.type, o.kind, o.message->>'title',"
                      + " o.serial, o.incident_id, o.events, o.status, o.attempts, o.last_error, o.created_at,"
                      + " o.next_attempt_at, o.sent_at FROM notification_outbox o"
                      + " JOIN notification_destinations d ON d.id = o.destination_id"
                      + " WHERE o.account_id = ? ORDER BY o.id DESC OFFSET ? LIMIT ?")) {
            ps.setObject(1, accountId);
            ps.setInt(2, offset);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next())
                out.add(
                    new Delivery(
                        rs.getLong(1),
                        rs.getString(2),
                        (UUID) rs.getObject(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        (UUID) rs.getObject(9),
                        List.of(strings(rs.getArray(10))),
                        rs.getString(11),
                        rs.getInt(12),
                        rs.getString(13),
                        instant(rs.getTimestamp(14)),
                        instant(rs.getTimestamp(15)),
                        instant(rs.getTimestamp(16))));
            }
          }
          return out;
        });
  }

  /** The account's incidents, newest first. */
  public CompletionStage<List<Incident>> incidents(UUID accountId, int offset, int limit) {
    return jdbc.run(
        c -> {
          List<Incident> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, site_id, site_name, started_at, ended_at, on_battery, peak, devices_total, serials"
                      + " FROM incidents WHERE account_id = ? ORDER BY started_at DESC, id OFFSET ? LIMIT ?")) {
            ps.setObject(1, accountId);
            ps.setInt(2, offset);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next())
                out.add(
                    new Incident(
                        (UUID) rs.getObject(1),
                        (UUID) rs.getObject(2),
                        rs.getString(3),
                        instant(rs.getTimestamp(4)),
                        instant(rs.getTimestamp(5)),
                        rs.getInt(6),
                        rs.getInt(7),
                        rs.getInt(8),
                        List.of(strings(rs.getArray(9)))));
            }
          }
          return out;
        });
  }

  /** Records a test send in the delivery log with its outcome. */
  CompletionStage<Void> logTest(
      Destination d, String key, Message m, boolean ok, String error, Instant now) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO notification_outbox (delivery_key, account_id, destination_id, kind, message, status,"
                      + " attempts, next_attempt_at, last_error, created_at, sent_at)"
                      + " VALUES (?, ?, ?, 'TEST', ?::jsonb, ?, 1, ?, ?, ?, ?)")) {
            ps.setString(1, key);
            ps.setObject(2, d.accountId());
            ps.setObject(3, d.id());
            ps.setString(4, ChannelPayloads.write(m));
            ps.setString(5, ok ? "SENT" : "DEAD");
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setString(7, error);
            ps.setTimestamp(8, Timestamp.from(now));
            ps.setTimestamp(9, ok ? Timestamp.from(now) : null);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Deletes at most {@code limit} finished messages (sent, dead or suppressed) created before
   * {@code before}; returns how many. Open messages are never purged.
   */
  static int purge(Connection c, Instant before, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM notification_outbox WHERE id IN (SELECT id FROM notification_outbox"
                + " WHERE status IN ('SENT', 'DEAD', 'SUPPRESSED') AND created_at < ? LIMIT ?)")) {
      ps.setTimestamp(1, Timestamp.from(before));
      ps.setInt(2, limit);
      return ps.executeUpdate();
    }
  }

  static String[] strings(Array a) throws SQLException {
    return a == null ? new String[0] : (String[]) a.getArray();
  }

  static UUID[] uuids(Array a) throws SQLException {
    return a == null ? new UUID[0] : (UUID[]) a.getArray();
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
