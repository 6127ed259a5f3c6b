package io.upsfleet.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool.PoolInitializationException;
import io.upsfleet.persistence.testing.TcpProxy;
import io.upsfleet.persistence.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DataSourcesIT {

  @Test
  void opensAPoolWithTheSettingsSizeAndName() throws SQLException {
    try (HikariDataSource dataSource =
            DataSources.create(TestDatabases.fresh("data sources pool"), "fleet-pool");
        Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SHOW application_name")) {
      rows.next();
      assertEquals("fleet-pool", rows.getString(1));
      assertEquals(4, dataSource.getMaximumPoolSize());
      assertEquals(5_000, dataSource.getConnectionTimeout());
    }
  }

  @Test
  void theServerCancelsAStatementThatRunsLongerThanTheStatementTimeout() throws SQLException {
    DatabaseSettings fresh = TestDatabases.fresh("data sources statement timeout");
    DatabaseSettings settings =
        new DatabaseSettings(
            fresh.url(),
            fresh.user(),
            fresh.password(),
            2,
            Duration.ofSeconds(3),
            Duration.ofSeconds(20),
            Duration.ofMillis(300),
            Duration.ofMillis(300));
    try (HikariDataSource dataSource = DataSources.create(settings, "bounded");
        Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SHOW statement_timeout")) {
        rows.next();
        assertEquals("300ms", rows.getString(1));
      }
      SQLException e =
          assertThrows(SQLException.class, () -> statement.execute("SELECT pg_sleep(15)"));
      // 57014 query_canceled: the server ended it, long before the 20-s socket timeout
      assertEquals("57014", e.getSQLState(), e.getMessage());
    }
  }

  @Test
  void aFrozenDatabaseHoldsACallOnAnOpenConnectionNoLongerThanTheSocketTimeout()
      throws SQLException {
    DatabaseSettings fresh = TestDatabases.fresh("data sources frozen");
    Matcher m = Pattern.compile("//([^:/]+):(\\d+)/").matcher(fresh.url());
    assertTrue(m.find(), fresh.url());
    try (TcpProxy proxy = TcpProxy.start(m.group(1), Integer.parseInt(m.group(2)))) {
      DatabaseSettings settings =
          new DatabaseSettings(
              m.replaceFirst("//127.0.0.1:" + proxy.port() + "/"),
              fresh.user(),
              fresh.password(),
              2,
              Duration.ofSeconds(2),
              Duration.ofSeconds(2),
              Duration.ofSeconds(1),
              Duration.ofSeconds(1));
      try (HikariDataSource dataSource = DataSources.create(settings, "frozen")) {
        Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        try {
          statement.execute("SELECT 1");
          proxy.freeze();
          // Without a socket timeout this call waits for an answer forever.
          SQLException e =
              assertTimeoutPreemptively(
                  Duration.ofSeconds(30),
                  () -> assertThrows(SQLException.class, () -> statement.execute("SELECT 1")));
          assertEquals("08006", e.getSQLState(), e.getMessage()); // connection failure
        } finally {
          proxy.close(); // frees a call still waiting, so that closing cannot hang
          closeQuietly(statement);
          closeQuietly(connection);
        }
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the connection is gone already; the test's own outcome is what matters
    }
  }

  @Test
  void failsFastWhenTheDatabaseCannotBeReached() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    DatabaseSettings unreachable =
        new DatabaseSettings(
            "jdbc:postgresql://127.0.0.1:" + closedPort + "/none",
            "u",
            "p",
            2,
            Duration.ofSeconds(1));

    long started = System.nanoTime();
    assertThrows(PoolInitializationException.class, () -> DataSources.create(unreachable, "down"));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
  }

  @Test
  void refusesSettingsWithoutAUrl() {
    DatabaseSettings embedded = new DatabaseSettings("", "u", "p", 2, Duration.ofSeconds(1));

    assertThrows(IllegalArgumentException.class, () -> DataSources.create(embedded, "pool"));
  }
}
