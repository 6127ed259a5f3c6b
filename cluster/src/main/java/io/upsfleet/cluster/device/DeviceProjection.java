package io.upsfleet.cluster.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.cluster.JdbcProjectionSession;
import io.upsfleet.cluster.plan.PlanRecord;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Feeds the device read models from the journal: {@code device_directory} (one row per device, for
 * lists and searches) and {@code device_events} (the event log). One projection instance per tag
 * slice, run as a sharded daemon process so the slices spread over the cluster. Exactly-once: each
 * batch and its offset commit in one transaction; the writes are idempotent as well (replays change
 * nothing). Each batch also records how far it applied each device's events without a hole ({@code
 * read_model_progress}), which {@link ReadModelReconciler} compares with the journal.
 */
public final class DeviceProjection {
  static final String NAME = "device-read-models";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeviceProjection() {}

  /** Starts the projection instances on the cluster. */
  public static void init(ActorSystem<?> system, DataSource dataSource, int slices) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            slices,
            i -> ProjectionBehavior.create(projection(system, dataSource, slices, i)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static GroupedProjection<Offset, EventEnvelope<UpsDevice.Event>> projection(
      ActorSystem<?> system, DataSource dataSource, int slices, int slice) {
    String tag = UpsDevice.TAG_PREFIX + slice;
    SourceProvider<Offset, EventEnvelope<UpsDevice.Event>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, tag),
            source,
            () -> new JdbcProjectionSession(dataSource),
            () -> new Handler(),
            system)
        .withGroup(500, Duration.ofMillis(100));
  }

  /** Applies a batch of events to the read models. */
  static final class Handler
      extends JdbcHandler<List<EventEnvelope<UpsDevice.Event>>, JdbcProjectionSession> {
    @Override
    public void process(
        JdbcProjectionSession session, List<EventEnvelope<UpsDevice.Event>> envelopes)
        throws Exception {
      session.withConnection(
          c -> {
            Progress progress = Progress.lock(c, envelopes);
            for (EventEnvelope<UpsDevice.Event> env : envelopes) {
              String serial = serialOf(env.persistenceId());
              apply(c, serial, env.sequenceNr(), env.event());
              progress.applied(env.persistenceId(), env.sequenceNr());
            }
            progress.save(c);
            return null;
          });
    }
  }

  /**
   * The contiguous progress of the batch's persistence ids ({@code read_model_progress}), locked
   * for the batch's transaction: the reconciler takes the same row lock, so the two never apply one
   * device's events concurrently. An event advances its id's progress only when it follows the last
   * one applied; after a hole (an event the tag query skipped) it stays put, and {@link
   * ReadModelReconciler} sees the gap.
   */
  static final class Progress {
    private final Map<String, Long> seqNrs;
    private final Map<String, Long> initial;

    private Progress(Map<String, Long> seqNrs) {
      this.seqNrs = seqNrs;
      this.initial = new HashMap<>(seqNrs);
    }

    static Progress lock(Connection c, List<EventEnvelope<UpsDevice.Event>> envelopes)
        throws SQLException {
      TreeSet<String> ids = new TreeSet<>();
      for (EventEnvelope<UpsDevice.Event> env : envelopes) ids.add(env.persistenceId());
      Array array = c.createArrayOf("text", ids.toArray());
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO read_model_progress (projection, persistence_id, seq_nr)"
                  + " SELECT ?, id, 0 FROM unnest(?::text[]) AS id ON CONFLICT DO NOTHING")) {
        ps.setString(1, NAME);
        ps.setArray(2, array);
        ps.executeUpdate();
      }
      Map<String, Long> seqNrs = new HashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT persistence_id, seq_nr FROM read_model_progress WHERE projection = ?"
                  + " AND persistence_id = ANY(?::text[]) ORDER BY persistence_id FOR UPDATE")) {
        ps.setString(1, NAME);
        ps.setArray(2, array);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) seqNrs.put(rs.getString(1), rs.getLong(2));
        }
      }
      return new Progress(seqNrs);
    }

    void applied(String persistenceId, long seqNr) {
      seqNrs.computeIfPresent(persistenceId, (id, last) -> seqNr == last + 1 ? seqNr : last);
    }

    void save(Connection c) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE read_model_progress SET seq_nr = ? WHERE projection = ? AND persistence_id = ?")) {
        for (Map.Entry<String, Long> e : seqNrs.entrySet()) {
          if (e.getValue().equals(initial.get(e.getKey()))) continue;
          ps.setLong(1, e.getValue());
          ps.setString(2, NAME);
          ps.setString(3, e.getKey());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  static String serialOf(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    return bar < 0 ? persistenceId : persistenceId.substring(bar + 1);
  }

  static void apply(Connection c, String serial, long seqNr, UpsDevice.Event event)
      throws SQLException {
    if (event instanceof UpsDevice.Registered e) {
      update(
          c,
          "INSERT INTO device_directory (serial, account_id, model, registered_at, updated_at)"
              + " VALUES (?, ?::uuid, ?, ?, ?) ON CONFLICT (serial) DO NOTHING",
          serial,
          e.accountId(),
          e.model(),
          ts(e.at()),
          ts(e.at()));
    } else if (event instanceof UpsDevice.Transferred e) {
      // Lists and counts follow the new owner; logged events keep the account they were logged in.
      update(
          c,
          "UPDATE device_directory SET account_id = ?::uuid, updated_at = ? WHERE serial = ?",
          e.toAccountId(),
          ts(e.at()),
          serial);
    } else if (event instanceof UpsDevice.Deregistered) {
      // Out of lists and counts; its event log stays (device_events) for the retention period.
      update(c, "DELETE FROM device_directory WHERE serial = ?", serial);
    } else if (event instanceof UpsDevice.Connected e) {
      update(
          c,
          "UPDATE device_directory SET online = true, connection_lost = false, node = ?, remote_address = ?,"
              + " connected_since = ?, disconnected_at = NULL, offline_deadline = NULL, updated_at = ? WHERE serial = ?",
          e.node(),
          e.remoteAddress(),
          ts(e.at()),
          ts(e.at()),
          serial);
    } else if (event instanceof UpsDevice.Disconnected e) {
      update(
          c,
          "UPDATE device_directory SET online = false, disconnected_at = ?, offline_deadline = ?,"
              + " updated_at = ? WHERE serial = ?",
          ts(e.at()),
          ts(e.offlineDeadline()),
          ts(e.at()),
          serial);
    } else if (event instanceof UpsDevice.ConnectionLost e) {
      update(
          c,
          "UPDATE device_directory SET connection_lost = true, offline_deadline = NULL, updated_at = ?"
              + " WHERE serial = ?",
          ts(e.at()),
          serial);
    } else if (event instanceof UpsDevice.StatusChanged e) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE device_directory SET status_flags = ?, updated_at = ? WHERE serial = ?")) {
        ps.setArray(1, c.createArrayOf("text", flags(e.to())));
        ps.setTimestamp(2, ts(e.at()));
        ps.setString(3, serial);
        ps.executeUpdate();
      }
    } else if (event instanceof UpsDevice.TemperatureAlarmChanged e) {
      update(
          c,
          "UPDATE device_directory SET temperature_high = ?, updated_at = ? WHERE serial = ?",
          e.high(),
          ts(e.at()),
          serial);
    } else if (event instanceof UpsDevice.FirmwareChanged e) {
      // Installing the offered version settles the offer; another version leaves it open.
      update(
          c,
          "UPDATE device_directory SET firmware = ?, firmware_available = CASE WHEN firmware_available = ?"
              + " THEN NULL ELSE firmware_available END, updated_at = ? WHERE serial = ?",
          e.to(),
          e.to(),
          ts(e.at()),
          serial);
    } else if (event instanceof UpsDevice.FirmwareOffered e) {
      update(
          c,
          "UPDATE device_directory SET firmware_available = ?, updated_at = ? WHERE serial = ?",
          e.version(),
          ts(e.at()),
          serial);
    } else if (event instanceof UpsDevice.CommandRequested e) {
      update(
          c,
          "UPDATE device_directory SET command_deadline = ? WHERE serial = ?",
          ts(e.nextCommandDeadline()),
          serial);
    } else if (event instanceof UpsDevice.CommandUpdated e) {
      update(
          c,
          "UPDATE device_directory SET command_deadline = ? WHERE serial = ?",
          ts(e.nextCommandDeadline()),
          serial);
    } else if (event instanceof UpsDevice.PlanChecked e) {
      updatePlan(c, serial, e.plan(), e.at());
    } else if (event instanceof UpsDevice.EntitlementsApplied e) {
      updatePlan(c, serial, e.plan(), e.at());
    } else if (event instanceof UpsDevice.EventRaised e && e.logged()) {
      update(
          c,
          "INSERT INTO device_events (serial, seq_nr, account_id, type, severity, cause, occurred_at,"
              + " device_time, details) SELECT ?, ?, d.account_id, ?, ?, ?, ?, ?, ?::jsonb FROM device_directory d"
              + " WHERE d.serial = ? ON CONFLICT (serial, seq_nr) DO NOTHING",
          serial,
          seqNr,
          e.type().name(),
          e.severity().name(),
          e.cause(),
          ts(e.at()),
          e.deviceTime() == null ? null : ts(e.deviceTime()),
          json(e),
          serial);
    }
  }

  private static void updatePlan(Connection c, String serial, PlanRecord p, Instant at)
      throws SQLException {
    update(
        c,
        "UPDATE device_directory SET plan = ?, plan_ends_at = ?, covered_until = ?, plan_deadline = ?,"
            + " warranty_ends_at = ?, battery_warranty_ends_at = ?, updated_at = ? WHERE serial = ?",
        p.plan().name(),
        ts(p.planEndsAt()),
        ts(p.coveredUntil()),
        ts(p.nextDeadline()),
        ts(p.warrantyEnds()),
        ts(p.batteryWarrantyEnds()),
        ts(at),
        serial);
  }

  private static String[] flags(Set<StatusFlag> flags) {
    return flags.stream().map(Enum::name).sorted().toArray(String[]::new);
  }

  private static String json(UpsDevice.EventRaised e) {
    try {
      return JSON.writeValueAsString(e.details());
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  private static void update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      ps.executeUpdate();
    }
  }
}
