package io.upsfleet.gateway.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.gateway.GatewayNode;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.testing.TcpProxy;
import io.upsfleet.persistence.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway node for end-to-end tests: its own fresh PostgreSQL database, free ports, a
 * support user {@value #SUPPORT_USER}, and settings tuned for quick tests (cheap password hashing,
 * short offline grace). {@link #restart()} stops the node and starts a new one on the same
 * database.
 */
public final class GatewayFixture implements AutoCloseable {
  public static final String SUPPORT_USER = "support";
  public static final String SUPPORT_PASSWORD = "support-password-1";
  private static final AtomicInteger SERIALS = new AtomicInteger();

  private final DatabaseSettings db;
  private final Config config;
  private final TcpProxy proxy;
  private final DatabaseSettings direct;
  private GatewayNode node;

  private GatewayFixture(
      DatabaseSettings db, Config config, TcpProxy proxy, DatabaseSettings direct) {
    this.db = db;
    this.direct = direct;
    this.config = config;
    this.proxy = proxy;
    try {
      this.node = GatewayNode.start(config, db, SUPPORT_PASSWORD, Clock.systemUTC());
    } catch (RuntimeException e) {
      if (proxy != null) proxy.close();
      throw e;
    }
  }

  /** Starts a node on a fresh database; {@code overrides} are config paths and values. */
  public static GatewayFixture start(String name, Map<String, Object> overrides) {
    Config config = config(name, overrides);
    DatabaseSettings fresh = TestDatabases.fresh(name);
    return new GatewayFixture(fresh, config, null, fresh);
  }

  /**
   * Starts a second node of {@code first}'s cluster, on its database (same actor system name,
   * {@code first} as the seed node). Close it before {@code first}.
   */
  public static GatewayFixture joining(GatewayFixture first, String name) {
    return joining(first, name, Map.of());
  }

  /** {@link #joining(GatewayFixture, String)} with configuration {@code extra} on top. */
  public static GatewayFixture joining(
      GatewayFixture first, String name, Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.put(
        "upsfleet.cluster.system-name", first.config.getString("upsfleet.cluster.system-name"));
    overrides.put(
        "pekko.cluster.seed-nodes", List.of(first.node().cluster().system().address().toString()));
    return new GatewayFixture(first.db, config(name, overrides), null, first.direct);
  }

  /**
   * Starts a node whose every database connection goes through a {@link TcpProxy} ({@link
   * #proxy()}), so that a test can cut, freeze or slow the database. The database time-outs are
   * those of the configuration ({@code upsfleet.database.*} in {@code overrides}).
   */
  public static GatewayFixture startBehindProxy(String name, Map<String, Object> overrides) {
    Config config = config(name, overrides);
    DatabaseSettings fresh = TestDatabases.fresh(name);
    TcpProxy proxy = proxyFor(fresh);
    return new GatewayFixture(throughProxy(fresh, proxy, config), config, proxy, fresh);
  }

  /** A proxy in front of the server of {@code db}, forwarding until told otherwise. */
  public static TcpProxy proxyFor(DatabaseSettings db) {
    Matcher m = HOST_PORT.matcher(db.url());
    if (!m.find()) throw new IllegalArgumentException("no host:port in " + db.url());
    return TcpProxy.start(m.group(1), Integer.parseInt(m.group(2)));
  }

  /**
   * {@code db} reached through {@code proxy}, with the time-outs of {@code config}'s {@code
   * upsfleet.database} block.
   */
  public static DatabaseSettings throughProxy(DatabaseSettings db, TcpProxy proxy, Config config) {
    DatabaseSettings timeouts = DatabaseSettings.fromConfig(config);
    return new DatabaseSettings(
        HOST_PORT.matcher(db.url()).replaceFirst("//127.0.0.1:" + proxy.port() + "/"),
        db.user(),
        db.password(),
        db.maxPoolSize(),
        timeouts.connectionTimeout(),
        timeouts.socketTimeout(),
        timeouts.statementTimeout(),
        timeouts.journalStatementTimeout());
  }

  private static final Pattern HOST_PORT = Pattern.compile("//([^:/]+):(\\d+)/");

  /** The settings of a test node named {@code name}, with {@code overrides}. */
  public static Config config(String name, Map<String, Object> overrides) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("upsfleet.gateway.mqtt.host", "127.0.0.1");
    settings.put("upsfleet.gateway.mqtt.port", 0);
    settings.put("upsfleet.gateway.http.host", "127.0.0.1");
    settings.put("upsfleet.gateway.http.port", 0);
    settings.put("upsfleet.gateway.mqtt.worker-threads", 2);
    settings.put("upsfleet.gateway.nut.port", 0);
    settings.put("upsfleet.accounts.password-iterations", 1000);
    settings.put("upsfleet.devices.offline-grace", "2s");
    settings.put("upsfleet.watchdog.interval", "1s");
    settings.put("upsfleet.gateway.mqtt.refusal-delay", "200ms");
    try {
      settings.put("upsfleet.mail.file-dir", Files.createTempDirectory("upsfleet-mail").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    settings.put("upsfleet.mail.poll-interval", "200ms");
    settings.put("upsfleet.cluster.system-name", "upsfleet-" + name.replaceAll("[^A-Za-z0-9]", ""));
    settings.putAll(overrides);
    return UpsfleetCluster.loadConfig(ConfigFactory.parseMap(settings));
  }

  public static GatewayFixture start(String name) {
    return start(name, Map.of());
  }

  /** Stops the node and starts a new one on the same database and settings (new ports). */
  public void restart() {
    node.close();
    node = GatewayNode.start(config, db, SUPPORT_PASSWORD, Clock.systemUTC());
  }

  /** The proxy between the node and its database; only for {@link #startBehindProxy}. */
  public TcpProxy proxy() {
    if (proxy == null) throw new IllegalStateException("this node is not behind a proxy");
    return proxy;
  }

  /** The node's database reached directly, never through the proxy. */
  public DatabaseSettings directDatabase() {
    return direct;
  }

  public GatewayNode node() {
    return node;
  }

  /** Where the node's database is (for tests that open their own sessions to it). */
  public DatabaseSettings database() {
    return db;
  }

  public int mqttPort() {
    return node.mqttPort();
  }

  public URI httpBase() {
    return URI.create("http://127.0.0.1:" + node.httpPort());
  }

  /** A client signed in as the support user. */
  public UpsfleetClient support() {
    UpsfleetClient c = new UpsfleetClient(httpBase(), ContractHttpClient.newClient());
    c.signIn(SUPPORT_USER, SUPPORT_PASSWORD);
    return c;
  }

  /** A client signed in as {@code username}. */
  public UpsfleetClient client(String username, String password) {
    UpsfleetClient c = new UpsfleetClient(httpBase(), ContractHttpClient.newClient());
    c.signIn(username, password);
    return c;
  }

  /** A serial no other test of this JVM uses. */
  public static String uniqueSerial() {
    return String.format(
            "TS%010d", SERIALS.incrementAndGet() + (System.nanoTime() % 1_000_000) * 1000L)
        .substring(0, 12);
  }

  @Override
  public void close() {
    if (proxy != null) proxy.heal();
    node.close();
    if (proxy != null) proxy.close();
  }
}
