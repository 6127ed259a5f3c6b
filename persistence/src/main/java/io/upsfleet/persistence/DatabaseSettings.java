package io.upsfleet.persistence;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach the PostgreSQL database: the {@code upsfleet.database} block of the configuration.
 *
 * <p>Every instance is valid: the canonical constructor rejects bad values with an {@link
 * IllegalArgumentException} that names the configuration key, e.g. {@code
 * "upsfleet.database.max-pool-size must be between 1 and 100, was 0"}. An empty {@link #url()}
 * means "use the embedded server" (see {@link #embedded()} and {@link EmbeddedDatabase}); such
 * settings cannot be used to open a pool until {@link #withUrl(String)} has filled in the URL.
 * {@link #toString()} masks the password. Instances are immutable and thread-safe.
 *
 * @param url JDBC URL ({@code jdbc:postgresql:...}), or empty for the embedded server; never null
 * @param user role to log in as; never blank
 * @param password password of {@code user}; may be empty, never null
 * @param maxPoolSize maximum connections per pool, 1 to 100
 * @param connectionTimeout longest wait for a connection, 500 ms to 60 s; also the driver's {@code
 *     connectTimeout} and {@code loginTimeout} (rounded up to whole seconds)
 * @param socketTimeout longest wait for any answer on an open connection (the driver's {@code
 *     socketTimeout}, rounded up to whole seconds), 1 s to 10 min, longer than both statement
 *     timeouts so that the server cancels a slow statement before the client gives up the
 *     connection
 * @param statementTimeout PostgreSQL {@code statement_timeout} of the read-side pools, 100 ms to 10
 *     min
 * @param journalStatementTimeout PostgreSQL {@code statement_timeout} of the journal (write) pool,
 *     100 ms to 60 s; the cluster module checks that it stays well under the read journal's gap
 *     window
 */
public record DatabaseSettings(
    String url,
    String user,
    String password,
    int maxPoolSize,
    Duration connectionTimeout,
    Duration socketTimeout,
    Duration statementTimeout,
    Duration journalStatementTimeout) {

  static final String CONFIG_PATH = "upsfleet.database";

  static final int MAX_POOL_SIZE_LIMIT = 100;
  static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(500);
  static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofSeconds(60);
  static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(15);
  static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_JOURNAL_STATEMENT_TIMEOUT = Duration.ofSeconds(4);
  private static final String JDBC_PREFIX = "jdbc:postgresql:";

  /** Validates every component; see the class documentation. */
  public DatabaseSettings {
    Objects.requireNonNull(url, key("url") + " must not be null");
    Objects.requireNonNull(user, key("user") + " must not be null");
    Objects.requireNonNull(password, key("password") + " must not be null");
    Objects.requireNonNull(connectionTimeout, key("connection-timeout") + " must not be null");
    Objects.requireNonNull(socketTimeout, key("socket-timeout") + " must not be null");
    Objects.requireNonNull(statementTimeout, key("statement-timeout") + " must not be null");
    Objects.requireNonNull(
        journalStatementTimeout, key("journal-statement-timeout") + " must not be null");
    if (!url.isEmpty() && !url.startsWith(JDBC_PREFIX)) {
      throw new IllegalArgumentException(
          key("url")
              + " must be empty (embedded server) or start with "
              + JDBC_PREFIX
              + ", was '"
              + withoutQuery(url)
              + "'");
    }
    if (user.isBlank()) {
      throw new IllegalArgumentException(key("user") + " must not be blank");
    }
    if (maxPoolSize < 1 || maxPoolSize > MAX_POOL_SIZE_LIMIT) {
      throw new IllegalArgumentException(
          key("max-pool-size")
              + " must be between 1 and "
              + MAX_POOL_SIZE_LIMIT
              + ", was "
              + maxPoolSize);
    }
    if (connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0
        || connectionTimeout.compareTo(MAX_CONNECTION_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          key("connection-timeout")
              + " must be between 500ms and 60s, was "
              + connectionTimeout.toMillis()
              + "ms");
    }
    requireBetween("socket-timeout", socketTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
    requireBetween(
        "statement-timeout", statementTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
    requireBetween(
        "journal-statement-timeout",
        journalStatementTimeout,
        Duration.ofMillis(100),
        Duration.ofSeconds(60));
    for (String name : new String[] {"statement-timeout", "journal-statement-timeout"}) {
      Duration statement =
          name.equals("statement-timeout") ? statementTimeout : journalStatementTimeout;
      if (statement.compareTo(socketTimeout) >= 0) {
        throw new IllegalArgumentException(
            key(name)
                + " ("
                + statement.toMillis()
                + "ms) must be shorter than "
                + key("socket-timeout")
                + " ("
                + socketTimeout.toMillis()
                + "ms): the server must cancel a slow statement before the client drops the"
                + " connection");
      }
    }
  }

  /**
   * Settings with the default socket and statement timeouts (15 s, 10 s, journal 4 s), for tools
   * and tests that do not read the configuration.
   */
  public DatabaseSettings(
      String url, String user, String password, int maxPoolSize, Duration connectionTimeout) {
    this(
        url,
        user,
        password,
        maxPoolSize,
        connectionTimeout,
        DEFAULT_SOCKET_TIMEOUT,
        DEFAULT_STATEMENT_TIMEOUT,
        DEFAULT_JOURNAL_STATEMENT_TIMEOUT);
  }

  private static void requireBetween(String name, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          key(name)
              + " must be between "
              + min.toMillis()
              + "ms and "
              + max.toMillis()
              + "ms, was "
              + value.toMillis()
              + "ms");
    }
  }

  /**
   * The PostgreSQL driver properties that bound every call in time: {@code connectTimeout} and
   * {@code loginTimeout} from {@link #connectionTimeout()}, {@code socketTimeout} from {@link
   * #socketTimeout()} (whole seconds, rounded up), and {@code options} setting the server's {@code
   * statement_timeout} to {@code statementTimeout}. Parameters written in the URL itself win over
   * these.
   *
   * @param statement the statement timeout for the pool these properties are for ({@link
   *     #statementTimeout()} or {@link #journalStatementTimeout()})
   * @return property name to value; never null
   */
  public Map<String, String> driverProperties(Duration statement) {
    return Map.of(
        "connectTimeout", Long.toString(ceilSeconds(connectionTimeout)),
        "loginTimeout", Long.toString(ceilSeconds(connectionTimeout)),
        "socketTimeout", Long.toString(ceilSeconds(socketTimeout)),
        "options", "-c statement_timeout=" + statement.toMillis());
  }

  private static long ceilSeconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }

  /**
   * Reads and validates the {@code upsfleet.database} block.
   *
   * @param root the whole application configuration (for example {@code ConfigFactory.load()}),
   *     which must contain this module's {@code reference.conf} defaults
   * @return the settings; never null
   * @throws IllegalArgumentException naming the key, if a key is missing, has the wrong type or an
   *     invalid value
   */
  public static DatabaseSettings fromConfig(Config root) {
    ConfigReader config = new ConfigReader(root);
    return new DatabaseSettings(
        config.string(key("url")),
        config.string(key("user")),
        config.string(key("password")),
        config.integer(key("max-pool-size")),
        config.duration(key("connection-timeout")),
        config.duration(key("socket-timeout")),
        config.duration(key("statement-timeout")),
        config.duration(key("journal-statement-timeout")));
  }

  /**
   * Returns whether these settings ask for the embedded server, i.e. whether the URL is empty.
   *
   * @return true if {@link #url()} is empty
   */
  public boolean embedded() {
    return url.isEmpty();
  }

  /**
   * Returns a copy of these settings with another URL (validated like the constructor does).
   *
   * @param newUrl a {@code jdbc:postgresql:} URL, or empty
   * @return the copy; never null
   */
  public DatabaseSettings withUrl(String newUrl) {
    return new DatabaseSettings(
        newUrl,
        user,
        password,
        maxPoolSize,
        connectionTimeout,
        socketTimeout,
        statementTimeout,
        journalStatementTimeout);
  }

  /**
   * Like the record's default, but with the password masked and the URL's query string left out.
   */
  @Override
  public String toString() {
    return "DatabaseSettings[url="
        + withoutQuery(url)
        + ", user="
        + user
        + ", password=****"
        + ", maxPoolSize="
        + maxPoolSize
        + ", connectionTimeout="
        + connectionTimeout
        + ", socketTimeout="
        + socketTimeout
        + ", statementTimeout="
        + statementTimeout
        + ", journalStatementTimeout="
        + journalStatementTimeout
        + "]";
  }

  /** The URL without its query string, which may carry credentials; safe to log. */
  static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  private static String key(String name) {
    return CONFIG_PATH + "." + name;
  }
}
