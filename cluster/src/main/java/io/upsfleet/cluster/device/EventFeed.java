package io.upsfleet.cluster.device;

import io.upsfleet.cluster.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The fleet-wide event feed (issue 13): every logged event of one account or of all, newest first,
 * filtered on the server and paged by a keyset cursor (occurred_at, serial, seq_nr), so a page
 * never repeats or skips an event because newer ones arrived meanwhile. Events stay with the
 * account they were logged in (a transferred device's earlier log stays with its old account).
 */
public final class EventFeed {
  private final Jdbc jdbc;

  public EventFeed(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Where a page ends: the last event's position, exclusive. */
  public record Cursor(Instant occurredAt, String serial, long seqNr) {}

  /**
   * What to read.
   *
   * @param account one account (customers), or empty for all (support)
   * @param from inclusive lower bound of occurred_at
   * @param to exclusive upper bound
   * @param types only these types (empty: all)
   * @param severities only these severities (empty: all)
   * @param serial only this device, or null
   * @param site only the devices now in this site (issue 11), or null
   * @param after continue after this position, or null for the newest
   * @param limit at most this many
   */
  public record Query(
      Optional<UUID> account,
      Instant from,
      Instant to,
      Set<EventType> types,
      Set<Severity> severities,
      String serial,
      UUID site,
      Cursor after,
      int limit) {}

  /** A logged event with the account it was logged in. */
  public record FeedEvent(UUID accountId, DeviceDirectory.LoggedEvent event) {}

  public CompletionStage<List<FeedEvent>> read(Query q) {
    return jdbc.run(
        c -> {
          StringBuilder sql =
              new StringBuilder(
                  "SELECT serial, seq_nr, account_id, type, severity, cause, occurred_at, device_time,"
                      + " details::text FROM device_events WHERE occurred_at >= ? AND occurred_at < ?");
          List<Object> args = new ArrayList<>();
          args.add(Timestamp.from(q.from()));
          args.add(Timestamp.from(q.to()));
          if (q.account().isPresent()) {
            sql.append(" AND account_id = ?");
            args.add(q.account().get());
          }
          if (!q.types().isEmpty()) {
            sql.append(" AND type = ANY (?)");
            args.add(q.types().stream().map(Enum::name).toArray(String[]::new));
          }
          if (!q.severities().isEmpty()) {
            sql.append(" AND severity = ANY (?)");
            args.add(q.severities().stream().map(Enum::name).toArray(String[]::new));
          }
          if (q.serial() != null) {
            sql.append(" AND serial = ?");
            args.add(q.serial());
          }
          if (q.site() != null) {
            sql.append(" AND serial IN (SELECT serial FROM device_sites WHERE site_id = ?)");
            args.add(q.site());
          }
          if (q.after() != null) {
            sql.append(" AND (occurred_at, serial, seq_nr) < (?, ?, ?)");
            args.add(Timestamp.from(q.after().occurredAt()));
            args.add(q.after().serial());
            args.add(q.after().seqNr());
          }
          sql.append(" ORDER BY occurred_at DESC, serial DESC, seq_nr DESC LIMIT ?");
          args.add(q.limit());
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              Object a = args.get(i);
              if (a instanceof String[] arr) ps.setArray(i + 1, c.createArrayOf("text", arr));
              else ps.setObject(i + 1, a);
            }
            List<FeedEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Timestamp dt = rs.getTimestamp(8);
                out.add(
                    new FeedEvent(
                        rs.getObject(3, UUID.class),
                        new DeviceDirectory.LoggedEvent(
                            rs.getString(1),
                            rs.getLong(2),
                            EventType.valueOf(rs.getString(4)),
                            Severity.valueOf(rs.getString(5)),
                            rs.getString(6),
                            rs.getTimestamp(7).toInstant(),
                            dt == null ? null : dt.toInstant(),
                            DeviceDirectory.details(rs.getString(9)))));
              }
            }
            return out;
          }
        });
  }
}
