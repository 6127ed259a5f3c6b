package io.upsfleet.persistence.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.upsfleet.persistence.DataSources;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.Migrations;
import io.upsfleet.persistence.PgBinaries;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fresh PostgreSQL databases for tests: every call to {@link #fresh(String)} creates a brand-new,
 * empty database, so tests never see each other's data and need no clean-up between them.
 *
 * <p><b>Server.</b> By default one embedded PostgreSQL server per JVM, started lazily on the first
 * call in a temporary directory and stopped (and its directory deleted) by a shutdown hook. It is
 * tuned for speed, not durability ({@code fsync} off) and accepts any password. When the
 * environment variable {@code UPSFLEET_DB_URL} is set, that server is used instead: the databases
 * are created through a connection to that URL as {@code UPSFLEET_DB_USER} / {@code
 * UPSFLEET_DB_PASSWORD} (the role needs {@code CREATEDB}), owned by that role, and dropped again
 * when the JVM exits.
 *
 * <p><b>Names.</b> A database is named {@code t_<hint>_<run>_<n>}: the hint lower-cased with every
 * other character replaced by {@code _} and shortened, a random id of this JVM (so that several
 * JVMs can share one external server), and a counter. All methods are thread-safe.
 */
public final class TestDatabases {

  private static final int POOL_SIZE = 4;
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_HINT_LENGTH = 40;
  private static final String RUN_ID = runId();
  private static final AtomicLong COUNTER = new AtomicLong();

  private TestDatabases() {}

  /**
   * Creates a new empty database (not migrated) and returns settings for it.
   *
   * @param hint a word or two saying which test it is for (any characters); ends up in the name
   * @return settings for the new database with a small pool size; never null
   * @throws IllegalStateException if the server cannot be started or the database not created
   */
  public static DatabaseSettings fresh(String hint) {
    return Holder.SERVER.create(databaseName(hint));
  }

  /**
   * Creates a new database, opens a pool on it and applies all {@link Migrations}.
   *
   * @param hint as for {@link #fresh(String)}; also the pool name
   * @return an open pool on the migrated database; the caller closes it
   */
  public static HikariDataSource migrated(String hint) {
    DatabaseSettings settings = fresh(hint);
    HikariDataSource dataSource = DataSources.create(settings, databaseNameOf(settings));
    try {
      Migrations.migrate(dataSource);
      return dataSource;
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  static String databaseName(String hint) {
    String cleaned =
        hint == null
            ? ""
            : hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    if (cleaned.length() > MAX_HINT_LENGTH) {
      cleaned = cleaned.substring(0, MAX_HINT_LENGTH);
    }
    if (cleaned.isEmpty()) {
      cleaned = "db";
    }
    return "t_" + cleaned + "_" + RUN_ID + "_" + COUNTER.incrementAndGet();
  }

  /**
   * Replaces the database of a {@code jdbc:postgresql:} URL, keeping hosts and parameters. Handles
   * {@code jdbc:postgresql://hosts[/db][?params]} and {@code jdbc:postgresql:db[?params]}.
   */
  static String withDatabase(String url, String database) {
    String prefix = "jdbc:postgresql:";
    if (!url.startsWith(prefix)) {
      throw new IllegalArgumentException("not a jdbc:postgresql: URL: " + url);
    }
    int queryStart = url.indexOf('?');
    String query = queryStart < 0 ? "" : url.substring(queryStart);
    String location = url.substring(prefix.length(), queryStart < 0 ? url.length() : queryStart);
    if (!location.startsWith("//")) {
      return prefix + database + query;
    }
    int slash = location.indexOf('/', 2);
    String hosts = slash < 0 ? location : location.substring(0, slash);
    return prefix + hosts + "/" + database + query;
  }

  private static String databaseNameOf(DatabaseSettings settings) {
    String withoutQuery = settings.url().split("\\?", 2)[0];
    return withoutQuery.substring(withoutQuery.lastIndexOf('/') + 1);
  }

  private static String runId() {
    return Long.toString(Math.floorMod(new SecureRandom().nextLong(), 36L * 36 * 36 * 36 * 36), 36);
  }

  /** Starts the server on first use (lazy holder idiom, thread-safe). */
  private static final class Holder {
    static final Server SERVER = startServer();

    private static Server startServer() {
      String url = System.getenv("UPSFLEET_DB_URL");
      if (url != null && !url.isBlank()) {
        return new ExternalServer(
            url,
            envOrDefault("UPSFLEET_DB_USER", "upsfleet"),
            envOrDefault("UPSFLEET_DB_PASSWORD", "upsfleet"));
      }
      return new EmbeddedServer();
    }

    private static String envOrDefault(String name, String fallback) {
      String value = System.getenv(name);
      return value == null ? fallback : value;
    }
  }

  private interface Server {
    DatabaseSettings create(String name);
  }

  /** One throw-away embedded server per JVM, with one shared application role. */
  private static final class EmbeddedServer implements Server {
    private static final String ROLE = "upsfleet_test";

    private final EmbeddedPostgres postgres;

    EmbeddedServer() {
      try {
        Path dataDirectory = Files.createTempDirectory("upsfleet-test-postgres");
        postgres =
            EmbeddedPostgres.builder()
                .setPgBinaryResolver(PgBinaries.resolver())
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(true)
                .setRegisterShutdownHook(false)
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded test PostgreSQL", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "upsfleet-test-postgres-stop"));
      execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE + "'");
    }

    @Override
    public synchronized DatabaseSettings create(String name) {
      execute("CREATE DATABASE " + name + " OWNER " + ROLE);
      String url =
          "jdbc:postgresql://127.0.0.1:"
              + postgres.getPort()
              + "/"
              + name
              + "?reWriteBatchedInserts=true";
      return new DatabaseSettings(url, ROLE, ROLE, POOL_SIZE, CONNECTION_TIMEOUT);
    }

    private void execute(String sql) {
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException("embedded test PostgreSQL: " + sql + " failed", e);
      }
    }

    private void stop() {
      try {
        postgres.close();
      } catch (IOException e) {
        // The JVM is exiting; the temporary directory is all that can be left behind.
      }
    }
  }

  /** An existing server named by UPSFLEET_DB_URL; created databases are dropped at JVM exit. */
  private static final class ExternalServer implements Server {
    private final String url;
    private final String user;
    private final String password;
    private final List<String> created = new ArrayList<>();

    ExternalServer(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(this::dropCreated, "upsfleet-test-databases-drop"));
    }

    @Override
    public synchronized DatabaseSettings create(String name) {
      try (Connection connection = DriverManager.getConnection(url, user, password);
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE DATABASE " + name);
      } catch (SQLException e) {
        throw new IllegalStateException(
            "cannot create database "
                + name
                + " on UPSFLEET_DB_URL as "
                + user
                + " (the role needs CREATEDB): "
                + e.getMessage(),
            e);
      }
      created.add(name);
      return new DatabaseSettings(
          withDatabase(url, name), user, password, POOL_SIZE, CONNECTION_TIMEOUT);
    }

    private synchronized void dropCreated() {
      try (Connection connection = DriverManager.getConnection(url, user, password);
          Statement statement = connection.createStatement()) {
        for (String name : created) {
          dropQuietly(statement, name);
        }
      } catch (SQLException e) {
        // Best effort while the JVM exits: a database left behind only costs disk space.
      }
    }

    private static void dropQuietly(Statement statement, String name) {
      try {
        statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (SQLException e) {
        // Best effort, as above; go on with the others.
      }
    }
  }
}
