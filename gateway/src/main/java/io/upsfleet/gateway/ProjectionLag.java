package io.upsfleet.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far each read-side projection is behind the journal, exported as {@code
 * upsfleet_projection_lag_events{projection}}: the events of its tags not yet applied (counted up
 * to {@value #CAP} per tag, so a long outage costs a bounded query). Read every {@code interval} on
 * a thread of its own; a failed read leaves the last values and logs at debug (the readiness probe
 * already reports an unusable database).
 */
final class ProjectionLag implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProjectionLag.class);
  static final int CAP = 100_000;
  private static final String LAG =
      "SELECT p.projection_name, sum((SELECT count(*) FROM (SELECT 1 FROM event_tag t"
          + " WHERE t.tag = p.projection_key AND t.event_id > p.current_offset::bigint LIMIT "
          + CAP
          + ") x)) FROM pekko_projection_offset_store p WHERE p.manifest = 'SEQ'"
          + " GROUP BY p.projection_name";
  private final DataSource dataSource;
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  private ProjectionLag(DataSource dataSource, MeterRegistry registry, Duration interval) {
    this.dataSource = dataSource;
    this.registry = registry;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "upsfleet-projection-lag");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::read, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  static ProjectionLag start(DataSource dataSource, MeterRegistry registry, Duration interval) {
    return new ProjectionLag(dataSource, registry, interval);
  }

  private void read() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(LAG)) {
      s.setQueryTimeout(10);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) gauge(rs.getString(1)).set(rs.getLong(2));
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("projection lag not read: {}", e.toString());
    }
  }

  private AtomicLong gauge(String projection) {
    return lags.computeIfAbsent(
        projection,
        name -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder("upsfleet_projection_lag_events", value, AtomicLong::get)
              .tag("projection", name)
              .description(
                  "journal events of the projection's tags not yet applied to its read model")
              .register(registry);
          return value;
        });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
