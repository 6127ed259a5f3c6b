package io.upsfleet.cluster.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Queues e-mail in the {@code email_outbox} table, inside the caller's transaction (a
 * projection's), so a message is queued exactly when the fact that causes it is recorded; {@code
 * dedupKey} makes a replay queue nothing twice.
 */
public final class EmailOutbox {
  private EmailOutbox() {}

  public static void enqueue(
      Connection c, String dedupKey, String to, String subject, String body, Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO email_outbox (dedup_key, recipient, subject, body, created_at, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING")) {
      ps.setString(1, dedupKey);
      ps.setString(2, to);
      ps.setString(3, subject);
      ps.setString(4, body);
      ps.setTimestamp(5, Timestamp.from(at));
      ps.setTimestamp(6, Timestamp.from(at));
      ps.executeUpdate();
    }
  }
}
