package io.upsfleet.cluster.audit;

import io.upsfleet.cluster.Jdbc;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
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
    CompletionStage<Void> written =
        jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO audit_log (at, actor, account_id, action, target, outcome, details) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setString(2, truncate(actor));
                ps.setObject(3, accountId);
                ps.setString(4, action);
                ps.setString(5, truncate(target));
                ps.setString(6, outcome);
                ps.setString(7, truncate(details));
                ps.executeUpdate();
                return null;
              }
            });
    return written.whenComplete(
        (ok, e) -> {
          if (e != null) log.warn("audit record could not be written: {}", e.toString());
        });
  }

  private static String truncate(String s) {
    return s == null || s.length() <= 256 ? s : s.substring(0, 256);
  }
}
