package io.upsfleet.cluster.audit;

import io.upsfleet.cluster.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who did what, when: support actions, refused and cross-tenant attempts, MQTT ACL violations.
 * Writes are asynchronous; a failed write is logged (an audit record must never fail the action it
 * records, but it must not vanish silently either).
 */
public final class AuditLog {
  private static final Logger log = LoggerFactory.getLogger("upsfleet.audit");
  private final Jdbc jdbc;
  private final Clock clock;

  public AuditLog(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Records an action.
   *
   * @param actor who (a username, {@code device:SERIAL}, or {@code anonymous})
   * @param accountId the account concerned, or null
   * @param action what, e.g. {@code device.register}, {@code mqtt.publish.denied}
   * @param target the resource, e.g. a serial
   * @param outcome {@code OK}, {@code DENIED}, {@code NOT_FOUND}…
   * @param details a short free text, or null
   */
  public CompletionStage<Void> record(
      String actor, UUID accountId, String action, String target, String outcome, String details) {
    return record(new Record(actor, null, null, accountId, null, action, target, outcome, details));
  }

  /**
   * What one audit record says.
   *
   * @param actor who (a username, {@code device:SERIAL}, or {@code anonymous})
   * @param role the actor's role, or null
   * @param source from where: the client's address, or null
   * @param accountId the account concerned, or null (then the account of {@code serial}, if any)
   * @param serial a device concerned, or null: gives the account when {@code accountId} is null
   * @param action what, e.g. {@code POST /devices/{serial}/commands}, {@code mqtt.publish.denied}
   * @param target the resource, e.g. a path or a serial
   * @param outcome {@code OK}, {@code DENIED}, {@code FORBIDDEN}, {@code NOT_FOUND}…
   * @param details a short free text, or null
   */
  public record Record(
      String actor,
      String role,
      String source,
      UUID accountId,
      String serial,
      String action,
      String target,
      String outcome,
      String details) {}

  /** Records {@code r}; see {@link #record(String, UUID, String, String, String, String)}. */
  public CompletionStage<Void> record(Record r) {
    String actor = r.actor();
    UUID accountId = r.accountId();
    String action = r.action();
    String target = r.target();
    String outcome = r.outcome();
    String details = r.details();
    // Refusals are worth a line in the log; routine successes live in the table (a fleet registers
    // in bulk).
    if ("OK".equals(outcome)) {
      log.debug(
          "audit actor={} account={} action={} target={} outcome={} details={}",
          actor,
          accountId,
          action,
          target,
          outcome,
          details);
    } else {
      log.info(
          "audit actor={} account={} action={} target={} outcome={} details={}",
          actor,
          accountId,
          action,
          target,
          outcome,
          details);
    }
    Instant at = clock.instant(); // when it happened, not when the pool gets to it
    CompletionStage<Void> written =
        jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO audit_log (at, actor, account_id, action, target, outcome, details, actor_role, source)"
                          + " VALUES (?, ?, coalesce(?, (SELECT account_id FROM device_credentials WHERE serial = ?)),"
                          + " ?, ?, ?, ?, ?, ?)")) {
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setString(2, truncate(actor));
                ps.setObject(3, accountId);
                ps.setString(4, r.serial());
                ps.setString(5, action);
                ps.setString(6, truncate(target));
                ps.setString(7, outcome);
                ps.setString(8, truncate(details));
                ps.setString(9, r.role());
                ps.setString(10, truncate(r.source()));
                ps.executeUpdate();
                return null;
              }
            });
    return written.whenComplete(
        (ok, e) -> {
          if (e != null) log.warn("audit record could not be written: {}", e.toString());
        });
  }

  /** A stored record with its id (the cursor) and time. */
  public record Entry(long id, Instant at, Record record) {}

  /**
   * Which records to read, newest first.
   *
   * @param account only this account's records (account admins); empty for all (support)
   * @param from inclusive lower time bound
   * @param to exclusive upper time bound
   * @param actor only this actor, or null
   * @param action only actions starting with this text, or null
   * @param outcome only this outcome, or null
   * @param beforeId only records older than this id (the cursor), or null
   * @param limit at most this many
   */
  public record Query(
      Optional<UUID> account,
      Instant from,
      Instant to,
      String actor,
      String action,
      String outcome,
      Long beforeId,
      int limit) {}

  /** Records matching {@code q}, newest first (ids only grow, so paging by id is stable). */
  public CompletionStage<List<Entry>> search(Query q) {
    return jdbc.run(
        c -> {
          StringBuilder sql =
              new StringBuilder(
                  "SELECT id, at, actor, actor_role, source, account_id, action, target, outcome,"
                      + " details FROM audit_log WHERE at >= ? AND at < ?");
          List<Object> args = new ArrayList<>();
          args.add(Timestamp.from(q.from()));
          args.add(Timestamp.from(q.to()));
          if (q.account().isPresent()) {
            sql.append(" AND account_id = ?");
            args.add(q.account().get());
          }
          if (q.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(q.actor());
          }
          if (q.action() != null) {
            sql.append(" AND starts_with(action, ?)");
            args.add(q.action());
          }
          if (q.outcome() != null) {
            sql.append(" AND outcome = ?");
            args.add(q.outcome());
          }
          if (q.beforeId() != null) {
            sql.append(" AND id < ?");
            args.add(q.beforeId());
          }
          sql.append(" ORDER BY id DESC LIMIT ?");
          args.add(q.limit());
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Entry(
                        rs.getLong(1),
                        rs.getTimestamp(2).toInstant(),
                        new Record(
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getObject(6, UUID.class),
                            null,
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10))));
              }
            }
            return out;
          }
        });
  }

  private static String truncate(String s) {
    return s == null || s.length() <= 256 ? s : s.substring(0, 256);
  }
}
