package io.upsfleet.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseIT {

  private static final DatabaseSettings APPLICATION =
      new DatabaseSettings("", "upsfleet", "app-secret", 2, Duration.ofSeconds(5));

  @TempDir Path temp;

  @Test
  void keepsItsDataAcrossRestarts() throws SQLException {
    Path dataDirectory = temp.resolve("postgres");
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0, APPLICATION)) {
      assertEquals(
          "jdbc:postgresql://127.0.0.1:" + database.port() + "/upsfleet?reWriteBatchedInserts=true",
          database.settings().url());
      assertEquals("upsfleet", database.settings().user());
      execute(database, "CREATE TABLE note (text varchar NOT NULL)");
      execute(database, "INSERT INTO note VALUES ('kept')");
    }

    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0, APPLICATION)) {
      assertEquals("kept", query(database, "SELECT text FROM note"));
    }
  }

  @Test
  void isAsDurableAsANormalServer() throws SQLException {
    try (EmbeddedDatabase database =
        EmbeddedDatabase.start(temp.resolve("postgres"), 0, APPLICATION)) {
      assertEquals("on", query(database, "SHOW fsync"));
      assertEquals("on", query(database, "SHOW synchronous_commit"));
      assertEquals(
          "C", query(database, "SELECT datcollate FROM pg_database WHERE datname = 'upsfleet'"));
    }
  }

  @Test
  void letsTheApplicationMigrateItsDatabase() {
    try (EmbeddedDatabase database =
            EmbeddedDatabase.start(temp.resolve("postgres"), 0, APPLICATION);
        HikariDataSource dataSource = DataSources.create(database.settings(), "embedded-it")) {
      assertTrue(Migrations.migrate(dataSource) >= 2);
    }
  }

  @Test
  void requiresTheRightPasswordFromEveryRole() throws IOException, SQLException {
    Path dataDirectory = temp.resolve("postgres");
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0, APPLICATION)) {
      String admin = "jdbc:postgresql://127.0.0.1:" + database.port() + "/postgres";
      String superuserPassword =
          Files.readString(dataDirectory.resolve(DataDirectory.SUPERUSER_PASSWORD_FILE)).strip();

      assertThrows(
          SQLException.class,
          () ->
              DriverManager.getConnection(database.settings().url(), "upsfleet", "wrong").close());
      assertThrows(
          SQLException.class, () -> DriverManager.getConnection(admin, "postgres", "").close());
      try (Connection connection =
          DriverManager.getConnection(admin, "postgres", superuserPassword)) {
        assertTrue(connection.isValid(1));
      }
    }
  }

  @Test
  void takesThePasswordFromTheSettingsAtEveryStart() throws SQLException {
    Path dataDirectory = temp.resolve("postgres");
    EmbeddedDatabase.start(dataDirectory, 0, APPLICATION).close();

    DatabaseSettings changed =
        new DatabaseSettings("", "upsfleet", "new-secret", 2, Duration.ofSeconds(5));
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0, changed)) {
      assertEquals("upsfleet", query(database, "SELECT current_user"));
    }
  }

  @Test
  void refusesADataDirectoryThatIsInUse() {
    Path dataDirectory = temp.resolve("postgres");
    try (EmbeddedDatabase running = EmbeddedDatabase.start(dataDirectory, 0, APPLICATION)) {
      assertEquals(dataDirectory, running.dataDirectory());
      IllegalStateException failure =
          assertThrows(
              IllegalStateException.class,
              () -> EmbeddedDatabase.start(dataDirectory, 0, APPLICATION).close());

      assertTrue(failure.getMessage().contains("is in use by"), failure.getMessage());
    }
  }

  @Test
  void refusesATakenPortAtOnce() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IllegalStateException failure =
          assertThrows(
              IllegalStateException.class,
              () ->
                  EmbeddedDatabase.start(
                          temp.resolve("postgres"), taken.getLocalPort(), APPLICATION)
                      .close());

      assertTrue(
          failure.getMessage().contains("cannot listen on port " + taken.getLocalPort()),
          failure.getMessage());
    }
  }

  @Test
  void refusesADataDirectoryOfAnotherUserWithAClearMessage() throws IOException {
    assumeTrue(new UnixSystem().getUid() == 0, "only root can give a directory away");
    Path dataDirectory = Files.createDirectories(temp.resolve("postgres"));
    Files.setAttribute(dataDirectory, "unix:uid", 65_534);

    IllegalStateException failure =
        assertThrows(
            IllegalStateException.class,
            () -> EmbeddedDatabase.start(dataDirectory, 0, APPLICATION).close());

    assertTrue(failure.getMessage().contains("belongs to user id 65534"), failure.getMessage());
  }

  @Test
  void stopsAServerThatAKilledProcessLeftRunning() throws Exception {
    Path dataDirectory = temp.resolve("postgres");
    EmbeddedDatabase.start(dataDirectory, 0, APPLICATION).close();
    Process owner = startInAnotherJvm(dataDirectory);
    long orphan;
    try {
      orphan = postmasterPid(dataDirectory);
    } finally {
      owner.destroyForcibly();
      owner.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false));

    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0, APPLICATION)) {
      assertEquals("kept", query(database, "SELECT text FROM note"));
    }
    assertTrue(ProcessHandle.of(orphan).map(p -> !p.isAlive()).orElse(true));
  }

  /**
   * Starts the server in a child JVM that creates a row and then waits; returns once it runs. The
   * caller kills the child with SIGKILL, so it cannot stop its server.
   */
  private static Process startInAnotherJvm(Path dataDirectory) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ServerOwner.class.getName(),
                dataDirectory.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader output =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = output.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.equals(ServerOwner.READY)) {
        return child;
      }
    }
    throw new IllegalStateException("the child JVM ended before its server ran:\n" + seen);
  }

  private static long postmasterPid(Path dataDirectory) throws IOException {
    List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
    return Long.parseLong(lines.get(0).strip());
  }

  private static void execute(EmbeddedDatabase database, String sql) throws SQLException {
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String query(EmbeddedDatabase database, String sql) throws SQLException {
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  private static Connection connect(EmbeddedDatabase database) throws SQLException {
    DatabaseSettings settings = database.settings();
    return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
  }

  /** Main class of the child JVM in {@link #stopsAServerThatAKilledProcessLeftRunning()}. */
  static final class ServerOwner {
    static final String READY = "SERVER-OWNER-READY";

    public static void main(String[] args) throws Exception {
      EmbeddedDatabase database = EmbeddedDatabase.start(Path.of(args[0]), 0, APPLICATION);
      execute(database, "CREATE TABLE note (text varchar NOT NULL)");
      execute(database, "INSERT INTO note VALUES ('kept')");
      System.out.println(READY);
      System.out.flush();
      Thread.sleep(120_000); // ends (and stops its server) on its own if never killed
    }
  }
}
