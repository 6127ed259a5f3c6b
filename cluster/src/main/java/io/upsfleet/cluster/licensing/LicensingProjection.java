package io.upsfleet.cluster.licensing;

import io.upsfleet.cluster.JdbcProjectionSession;
import io.upsfleet.cluster.notify.EmailOutbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Feeds the licensing read models ({@code license_orders}, {@code license_order_lines}, {@code
 * license_assignments}) from the order entities' events, and queues the activation-code e-mail in
 * the outbox in the same transaction. Exactly-once (offset and writes commit together); writes are
 * idempotent too.
 */
public final class LicensingProjection {
  static final String NAME = "licensing-read-models";

  private LicensingProjection() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            1,
            i ->
                ProjectionBehavior.create(
                    JdbcProjection.groupedWithin(
                            ProjectionId.of(NAME, LicenseOrder.TAG),
                            EventSourcedProvider.<LicenseOrder.Event>eventsByTag(
                                system, JdbcReadJournal.Identifier(), LicenseOrder.TAG),
                            () -> new JdbcProjectionSession(dataSource),
                            Handler::new,
                            system)
                        .withGroup(200, Duration.ofMillis(100))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  static final class Handler
      extends JdbcHandler<List<EventEnvelope<LicenseOrder.Event>>, JdbcProjectionSession> {
    @Override
    public void process(
        JdbcProjectionSession session, List<EventEnvelope<LicenseOrder.Event>> envelopes)
        throws Exception {
      session.withConnection(
          c -> {
            for (EventEnvelope<LicenseOrder.Event> env : envelopes) {
              String orderId = env.persistenceId().substring(env.persistenceId().indexOf('|') + 1);
              apply(c, UUID.fromString(orderId), env.sequenceNr(), env.event());
            }
            return null;
          });
    }
  }

  static void apply(Connection c, UUID orderId, long seqNr, LicenseOrder.Event event)
      throws SQLException {
    if (event instanceof LicenseOrder.OrderCreated e) {
      exec(
          c,
          "INSERT INTO license_orders (order_id, po_number, channel, installer_email, code_hint, created_at,"
              + " created_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
          orderId,
          e.poNumber(),
          e.channel(),
          e.installerEmail(),
          ActivationCodes.hint(e.code()),
          ts(e.at()),
          e.createdBy());
      for (OrderLine l : e.lines()) {
        exec(
            c,
            "INSERT INTO license_order_lines (order_id, sku, quantity, bonus, bonus_promotion) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING",
            orderId,
            l.sku(),
            l.quantity(),
            l.bonus(),
            l.bonusPromotion());
      }
      EmailOutbox.enqueue(
          c, "order:" + orderId + ":" + seqNr, e.installerEmail(), subject(e), body(e), e.at());
    } else if (event instanceof LicenseOrder.CodeEmailRequested e) {
      // The code itself lives in the order's first event; the resend copies it from there.
      exec(
          c,
          "UPDATE license_orders SET emails_requested = emails_requested + 1 WHERE order_id = ?",
          orderId);
      exec(
          c,
          "INSERT INTO email_outbox (dedup_key, recipient, subject, body, created_at, next_attempt_at)"
              + " SELECT ?, recipient, subject, body, ?, ? FROM email_outbox WHERE dedup_key = ?"
              + " ON CONFLICT (dedup_key) DO NOTHING",
          "order:" + orderId + ":" + seqNr,
          ts(e.at()),
          ts(e.at()),
          "order:" + orderId + ":1");
    } else if (event instanceof LicenseOrder.CodeRedeemed e) {
      exec(
          c,
          "UPDATE license_orders SET account_id = ?, redeemed_at = ? WHERE order_id = ?",
          e.accountId(),
          ts(e.at()),
          orderId);
    } else if (event instanceof LicenseOrder.EntitlementsReserved e) {
      for (Reservation r : e.reservations()) {
        exec(
            c,
            "INSERT INTO license_assignments (assignment_id, order_id, serial, sku, status, reserved_by, reserved_at,"
                + " updated_at) VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?) ON CONFLICT DO NOTHING",
            r.assignmentId(),
            orderId,
            r.serial(),
            r.sku(),
            e.by(),
            ts(e.at()),
            ts(e.at()));
      }
    } else if (event instanceof LicenseOrder.EntitlementApplied e) {
      exec(
          c,
          "UPDATE license_assignments SET status = 'APPLIED', updated_at = ? WHERE assignment_id = ?",
          ts(e.at()),
          e.assignmentId());
    } else if (event instanceof LicenseOrder.ReservationReleased e) {
      exec(
          c,
          "UPDATE license_assignments SET status = 'RELEASED', updated_at = ? WHERE assignment_id = ?",
          ts(e.at()),
          e.assignmentId());
    }
  }

  private static String subject(LicenseOrder.OrderCreated e) {
    return "Your upsfleet activation code for PO " + e.poNumber();
  }

  private static String body(LicenseOrder.OrderCreated e) {
    StringBuilder sb = new StringBuilder();
    sb.append("Hello,\n\nthank you for your order ")
        .append(e.poNumber())
        .append(" (")
        .append(e.channel())
        .append(").\n\nYour activation code:\n\n    ")
        .append(e.code())
        .append("\n\nIt unlocks:\n");
    for (OrderLine l : e.lines()) {
      sb.append("  - ").append(l.quantity()).append(" x ").append(l.sku());
      if (l.bonus() > 0)
        sb.append(" (+")
            .append(l.bonus())
            .append(" free, promotion ")
            .append(l.bonusPromotion())
            .append(')');
      sb.append('\n');
    }
    sb.append(
            "\nSign in to upsfleet, enter the code under Licenses, then assign the entitlements to your devices.\n")
        .append("Keep this code private: the first account that enters it owns it.\n");
    return sb.toString();
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  private static void exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      ps.executeUpdate();
    }
  }
}
