package io.upsfleet.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database takes writes, for {@code /health/ready}: every {@code probe-interval} the
 * node upserts its row of {@code health_probe} on its own thread, bounded by {@code probe-timeout}
 * (connection, network and statement). The database counts as writable while the latest probe
 * succeeded and is younger than twice the interval plus the timeout, so a probe that hangs turns
 * readiness DOWN as surely as one that fails. Reading {@link #writable()} never blocks. Changes are
 * logged once (WARN when writes stop, INFO when they work again).
 */
final class DatabaseProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseProbe.class);
  private static final String UPSERT =
      "INSERT INTO health_probe (node, probed_at) VALUES (?, now())"
          + " ON CONFLICT (node) DO UPDATE SET probed_at = excluded.probed_at";

  /**
   * The {@code upsfleet.gateway.readiness} block.
   *
   * @param probeInterval time between the end of one probe and the start of the next, 100 ms to 1
   *     min
   * @param probeTimeout longest time one probe may take, 100 ms to 30 s
   */
  record Settings(Duration probeInterval, Duration probeTimeout) {
    static final String PATH = "upsfleet.gateway.readiness";

    Settings {
      between("probe-interval", probeInterval, Duration.ofMillis(100), Duration.ofMinutes(1));
      between("probe-timeout", probeTimeout, Duration.ofMillis(100), Duration.ofSeconds(30));
    }

    static Settings fromConfig(Config config) {
      return new Settings(duration(config, "probe-interval"), duration(config, "probe-timeout"));
    }

    private static Duration duration(Config config, String key) {
      try {
        return config.getDuration(PATH + "." + key);
      } catch (ConfigException e) {
        throw new IllegalArgumentException(
            PATH + "." + key + " is missing or invalid: " + e.getMessage(), e);
      }
    }

    private static void between(String key, Duration value, Duration min, Duration max) {
      if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            PATH
                + "."
                + key
                + " must be between "
                + min.toMillis()
                + "ms and "
                + max.toMillis()
                + "ms, was "
                + (value == null ? "null" : value.toMillis() + "ms"));
      }
    }
  }

  private final DataSource dataSource;
  private final String node;
  private final Settings settings;
  private final ScheduledExecutorService thread;
  private volatile long lastSuccessNanos;
  private volatile boolean lastSucceeded;

  private DatabaseProbe(DataSource dataSource, String node, Settings settings) {
    this.dataSource = dataSource;
    this.node = node;
    this.settings = settings;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "upsfleet-database-probe");
              t.setDaemon(true);
              return t;
            });
  }

  /** Probes once (so a started node is ready at once), then every interval. */
  static DatabaseProbe start(DataSource dataSource, String node, Settings settings) {
    DatabaseProbe probe = new DatabaseProbe(dataSource, node, settings);
    probe.probe();
    probe.thread.scheduleWithFixedDelay(
        probe::probe,
        settings.probeInterval().toMillis(),
        settings.probeInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    return probe;
  }

  /** Whether the latest write committed recently enough; never blocks. */
  boolean writable() {
    long staleAfter =
        settings.probeInterval().multipliedBy(2).plus(settings.probeTimeout()).toNanos();
    return lastSucceeded && System.nanoTime() - lastSuccessNanos < staleAfter;
  }

  private void probe() {
    boolean ok;
    String failure = null;
    try {
      write();
      ok = true;
    } catch (SQLException | RuntimeException e) {
      ok = false;
      failure = e.toString();
    }
    if (ok) {
      lastSuccessNanos = System.nanoTime();
      if (!lastSucceeded) log.info("database writes work (readiness probe succeeded)");
    } else if (lastSucceeded) {
      log.warn("database writes fail, node not ready: {}", failure);
    }
    lastSucceeded = ok;
  }

  private void write() throws SQLException {
    int timeoutMillis = (int) settings.probeTimeout().toMillis();
    try (Connection c = dataSource.getConnection()) {
      c.setNetworkTimeout(Runnable::run, timeoutMillis);
      try (PreparedStatement st = c.prepareStatement(UPSERT)) {
        st.setQueryTimeout(Math.max(1, (timeoutMillis + 999) / 1000));
        st.setString(1, node);
        st.executeUpdate();
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
