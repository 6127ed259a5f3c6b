package io.upsfleet.cluster.notify;

import io.upsfleet.cluster.JdbcProjectionSession;
import io.upsfleet.cluster.device.UpsDevice;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
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
 * Feeds the notification outbox from the device journal, one instance per tag slice (a sharded
 * daemon process, like {@code DeviceProjection}). Exactly-once: a batch's outbox rows, incident
 * changes and offset commit in one transaction; every row has a unique delivery key, so a replay
 * inserts nothing twice. The sites a batch's power events touch are locked first, in one order, so
 * that slices correlating the same site's outage never interleave (nor deadlock). Events older than
 * {@code max-event-age} when first seen are not notified (the projection's first run replays the
 * whole journal).
 */
public final class NotificationProjection {
  static final String NAME = "notifications";

  private NotificationProjection() {}

  public static void init(
      ActorSystem<?> system,
      DataSource dataSource,
      int slices,
      NotificationSettings settings,
      Clock clock) {
    NotificationRules rules = new NotificationRules(settings, clock);
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            slices,
            i -> {
              String tag = UpsDevice.TAG_PREFIX + i;
              return ProjectionBehavior.create(
                  JdbcProjection.groupedWithin(
                          ProjectionId.of(NAME, tag),
                          EventSourcedProvider.<UpsDevice.Event>eventsByTag(
                              system, JdbcReadJournal.Identifier(), tag),
                          () -> new JdbcProjectionSession(dataSource),
                          () -> new Handler(rules),
                          system)
                      .withGroup(200, Duration.ofMillis(50)));
            },
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  static final class Handler
      extends JdbcHandler<List<EventEnvelope<UpsDevice.Event>>, JdbcProjectionSession> {
    private final NotificationRules rules;

    Handler(NotificationRules rules) {
      this.rules = rules;
    }

    @Override
    public void process(
        JdbcProjectionSession session, List<EventEnvelope<UpsDevice.Event>> envelopes)
        throws Exception {
      session.withConnection(
          c -> {
            lockSites(c, envelopes);
            for (EventEnvelope<UpsDevice.Event> env : envelopes) {
              if (env.event() instanceof UpsDevice.EventRaised e) {
                rules.apply(c, serialOf(env.persistenceId()), env.sequenceNr(), e);
              }
            }
            return null;
          });
    }
  }

  private static void lockSites(Connection c, List<EventEnvelope<UpsDevice.Event>> envelopes)
      throws SQLException {
    TreeSet<String> serials = new TreeSet<>();
    for (EventEnvelope<UpsDevice.Event> env : envelopes)
      if (NotificationRules.power(env.event())) serials.add(serialOf(env.persistenceId()));
    if (serials.isEmpty()) return;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id FROM sites WHERE id IN (SELECT site_id FROM device_sites WHERE serial = ANY(?))"
                + " ORDER BY id FOR UPDATE")) {
      ps.setArray(1, c.createArrayOf("text", serials.toArray()));
      ps.executeQuery().close();
    }
  }

  static String serialOf(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    return bar < 0 ? persistenceId : persistenceId.substring(bar + 1);
  }
}
