package io.upsfleet.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Objects;

/**
 * Creates HikariCP connection pools from {@link DatabaseSettings}.
 *
 * <p>The pool is sized by {@link DatabaseSettings#maxPoolSize()} and bounded in time by {@link
 * DatabaseSettings#connectionTimeout()}: a caller waits at most that long for a connection (never
 * HikariCP's or the Pekko plugin's long defaults), and a connection check takes at most half of it.
 * Once connected, every answer from the server is awaited at most {@link
 * DatabaseSettings#socketTimeout()} and every statement runs at most {@link
 * DatabaseSettings#statementTimeout()} (see {@link DatabaseSettings#driverProperties}), so a slow,
 * frozen or unreachable database never holds a caller's thread for long. Creation <em>fails
 * fast</em>: the constructor opens one connection and throws if that is not possible within the
 * connection timeout. So a wrong URL, password or a database that is down surfaces at start-up with
 * the driver's message, and {@link Migrations} never runs against a pool that silently has no
 * database. A caller that must keep running while the database is down (the node: "not ready,
 * retry") retries {@code create}; a failed attempt leaves nothing open.
 */
public final class DataSources {

  private static final Duration MIN_VALIDATION_TIMEOUT = Duration.ofMillis(250);

  private DataSources() {}

  /**
   * Opens a connection pool.
   *
   * @param settings where the database is; its URL must not be empty (start an {@link
   *     EmbeddedDatabase} first and use its {@link EmbeddedDatabase#settings()})
   * @param poolName name of the pool in logs and metrics, and the {@code application_name} the
   *     connections show in {@code pg_stat_activity}; not blank
   * @return an open pool holding at least one live connection; the caller closes it
   * @throws IllegalArgumentException if the URL is empty or the pool name blank
   * @throws com.zaxxer.hikari.pool.HikariPool.PoolInitializationException if no connection could be
   *     opened within the connection timeout
   */
  public static HikariDataSource create(DatabaseSettings settings, String poolName) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(poolName, "poolName");
    if (settings.embedded()) {
      throw new IllegalArgumentException(
          "the database URL is empty: start an EmbeddedDatabase and use its settings()");
    }
    if (poolName.isBlank()) {
      throw new IllegalArgumentException("poolName must not be blank");
    }
    return new HikariDataSource(config(settings, poolName));
  }

  static HikariConfig config(DatabaseSettings settings, String poolName) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    config.setValidationTimeout(validationTimeout(settings.connectionTimeout()).toMillis());
    // 1 ms = try once, bounded by connectionTimeout, then throw (fail fast, see class Javadoc).
    config.setInitializationFailTimeout(1);
    config.addDataSourceProperty("ApplicationName", poolName);
    // Every call bounded in time: connect, login, each answer, each statement (server side).
    settings.driverProperties(settings.statementTimeout()).forEach(config::addDataSourceProperty);
    // Multi-row INSERTs for JDBC batches (the telemetry history writes hundreds of rows at once).
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return config;
  }

  private static Duration validationTimeout(Duration connectionTimeout) {
    Duration half = connectionTimeout.dividedBy(2);
    return half.compareTo(MIN_VALIDATION_TIMEOUT) < 0 ? MIN_VALIDATION_TIMEOUT : half;
  }
}
