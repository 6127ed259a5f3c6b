package io.upsfleet.cluster.site;

import io.upsfleet.cluster.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** The {@code sites} and {@code device_sites} tables. Never blocks the caller. */
public final class Sites {
  /** Thrown (inside the stage) when a site name is already used in the account. */
  public static final class DuplicateSite extends RuntimeException {
    public DuplicateSite(String name) {
      super("a site named '" + name + "' already exists in this account");
    }
  }

  private final Jdbc jdbc;
  private final Clock clock;

  public Sites(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public CompletionStage<Site> create(
      UUID accountId, String name, String address, String timeZone) {
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO sites (id, account_id, name, address, time_zone, created_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, id);
            ps.setObject(2, accountId);
            ps.setString(3, name);
            ps.setString(4, address);
            ps.setString(5, timeZone);
            ps.setTimestamp(6, Timestamp.from(now));
            if (ps.executeUpdate() == 0) throw new DuplicateSite(name);
          }
          return new Site(id, accountId, name, address, timeZone, now, 0);
        });
  }

  public CompletionStage<List<Site>> list(UUID accountId) {
    return jdbc.run(
        c -> {
          List<Site> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT s.id, s.account_id, s.name, s.address, s.time_zone, s.created_at,"
                      + " (SELECT count(*) FROM device_sites d WHERE d.site_id = s.id)"
                      + " FROM sites s WHERE s.account_id = ? ORDER BY lower(s.name)")) {
            ps.setObject(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(site(rs));
            }
          }
          return out;
        });
  }

  /** The site, when it exists and belongs to {@code accountId}. */
  public CompletionStage<Optional<Site>> get(UUID accountId, UUID siteId) {
    return jdbc.run(c -> find(c, accountId, siteId));
  }

  static Optional<Site> find(Connection c, UUID accountId, UUID siteId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT s.id, s.account_id, s.name, s.address, s.time_zone, s.created_at,"
                + " (SELECT count(*) FROM device_sites d WHERE d.site_id = s.id)"
                + " FROM sites s WHERE s.account_id = ? AND s.id = ?")) {
      ps.setObject(1, accountId);
      ps.setObject(2, siteId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(site(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Puts the device in {@code siteId} of {@code accountId} (empty: in no site). False when the site
   * is not one of the account's.
   */
  public CompletionStage<Boolean> assign(String serial, UUID accountId, Optional<UUID> siteId) {
    Instant now = clock.instant();
    return jdbc.run(
        c -> {
          if (siteId.isEmpty()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM device_sites WHERE serial = ? AND account_id = ?")) {
              ps.setString(1, serial);
              ps.setObject(2, accountId);
              ps.executeUpdate();
            }
            return true;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO device_sites (serial, account_id, site_id, updated_at)"
                      + " SELECT ?, s.account_id, s.id, ? FROM sites s WHERE s.id = ? AND s.account_id = ?"
                      + " ON CONFLICT (serial) DO UPDATE SET site_id = excluded.site_id,"
                      + " account_id = excluded.account_id, updated_at = excluded.updated_at")) {
            ps.setString(1, serial);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setObject(3, siteId.get());
            ps.setObject(4, accountId);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** The site of a device, if it has one. */
  public CompletionStage<Optional<UUID>> siteOf(String serial) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT site_id FROM device_sites WHERE serial = ?")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of((UUID) rs.getObject(1)) : Optional.empty();
            }
          }
        });
  }

  private static Site site(ResultSet rs) throws SQLException {
    return new Site(
        (UUID) rs.getObject(1),
        (UUID) rs.getObject(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getTimestamp(6).toInstant(),
        rs.getLong(7));
  }
}
