package io.upsfleet.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.HashingPool;
import io.upsfleet.cluster.account.PasswordHasher;
import io.upsfleet.cluster.account.RevocationBus;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.command.FirmwareRollouts;
import io.upsfleet.cluster.device.DeviceCredentials;
import io.upsfleet.cluster.device.DeviceDirectory;
import io.upsfleet.cluster.device.DeviceProjection;
import io.upsfleet.cluster.device.DeviceSettings;
import io.upsfleet.cluster.device.DeviceWatchdog;
import io.upsfleet.cluster.device.ReadModelReconciler;
import io.upsfleet.cluster.device.UpsDevices;
import io.upsfleet.cluster.licensing.Licensing;
import io.upsfleet.cluster.licensing.LicensingProjection;
import io.upsfleet.cluster.licensing.Promotions;
import io.upsfleet.cluster.notify.EmailDispatcher;
import io.upsfleet.cluster.notify.MailSettings;
import io.upsfleet.cluster.notify.MailTransport;
import io.upsfleet.cluster.notify.NotificationDispatcher;
import io.upsfleet.cluster.notify.NotificationProjection;
import io.upsfleet.cluster.notify.NotificationSettings;
import io.upsfleet.cluster.notify.NotificationTransport;
import io.upsfleet.cluster.notify.Notifications;
import io.upsfleet.cluster.notify.UrlGuard;
import io.upsfleet.cluster.reseller.ResellerSupport;
import io.upsfleet.cluster.site.Sites;
import io.upsfleet.cluster.telemetry.TelemetryHistory;
import io.upsfleet.cluster.telemetry.TelemetryHistorySettings;
import io.upsfleet.persistence.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * One node of the upsfleet cluster: the actor system, the device shard region, the projections, the
 * watchdog singleton and the read-side services. A node with no configured seed nodes joins itself.
 * {@link #close()} leaves the cluster and terminates the actor system.
 */
public final class UpsfleetCluster implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final UpsDevices devices;
  private final DeviceDirectory directory;
  private final DeviceCredentials credentials;
  private final Accounts accounts;
  private final AuditLog audit;
  private final Jdbc jdbc;
  private final Licensing licensing;
  private final FirmwareRollouts rollouts;
  private final TelemetryHistory telemetryHistory;
  private final ReadModelReconciler reconciler;
  private final JdbcExecutors executors;
  private Sites sites;
  private Notifications notifications;
  private final RevocationBus revocations;
  private final ResellerSupport resellers;

  private UpsfleetCluster(
      ActorSystem<Void> system,
      UpsDevices devices,
      DeviceDirectory directory,
      DeviceCredentials credentials,
      Accounts accounts,
      AuditLog audit,
      Jdbc jdbc,
      Licensing licensing,
      FirmwareRollouts rollouts,
      TelemetryHistory telemetryHistory,
      ReadModelReconciler reconciler,
      JdbcExecutors executors,
      RevocationBus revocations,
      ResellerSupport resellers) {
    this.system = system;
    this.devices = devices;
    this.directory = directory;
    this.credentials = credentials;
    this.accounts = accounts;
    this.audit = audit;
    this.jdbc = jdbc;
    this.licensing = licensing;
    this.rollouts = rollouts;
    this.telemetryHistory = telemetryHistory;
    this.reconciler = reconciler;
    this.executors = executors;
    this.revocations = revocations;
    this.resellers = resellers;
  }

  /** Reseller renewal support: consents, invitations, digests (issue 12). */
  public ResellerSupport resellers() {
    return resellers;
  }

  public FirmwareRollouts rollouts() {
    return rollouts;
  }

  public Licensing licensing() {
    return licensing;
  }

  /**
   * Environment variable listing the seed nodes, comma-separated; see {@link #loadConfig(Config,
   * Map)}.
   */
  public static final String SEED_NODES_ENV = "UPSFLEET_SEED_NODES";

  /** The {@code application_name} of the journal pool's connections. */
  public static final String JOURNAL_POOL_NAME = "upsfleet-journal";

  /** {@code pekko://system@host:port}, host a name, an IPv4 address or a bracketed IPv6 address. */
  private static final Pattern SEED_NODE =
      Pattern.compile("pekko://([^@/:]+)@([^@/:\\[\\]]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");

  /**
   * The complete configuration of a node: {@code app} (the application's own config and overrides)
   * over upsfleet's Pekko settings over every library's {@code reference.conf}, resolved; then the
   * seed nodes of the environment variable {@value #SEED_NODES_ENV}, when set.
   */
  public static Config loadConfig(Config app) {
    return loadConfig(app, System.getenv());
  }

  /**
   * As {@link #loadConfig(Config)}, with {@code env} as the environment. A non-blank {@value
   * #SEED_NODES_ENV} (comma-separated addresses such as {@code
   * pekko://upsfleet@10.0.0.1:25520,pekko://upsfleet@10.0.0.2:25520}) replaces {@code
   * pekko.cluster.seed-nodes}: a HOCON substitution cannot turn one string into a list.
   *
   * @throws IllegalArgumentException naming the variable and the entry when an entry is not a Pekko
   *     address {@code pekko://<system>@<host>:<port>} of this cluster's actor system
   */
  public static Config loadConfig(Config app, Map<String, String> env) {
    Config config =
        ConfigFactory.load(app.withFallback(ConfigFactory.parseResources("upsfleet-cluster.conf")));
    config = withClusterTls(config);
    String seeds = env.get(SEED_NODES_ENV);
    if (seeds == null || seeds.isBlank()) return config;
    List<String> list = seedNodes(seeds, config.getString("upsfleet.cluster.system-name"));
    return config.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(list));
  }

  /**
   * Switches Artery to mutual TLS ({@code tls-tcp}, Pekko's {@code RotatingKeysSSLEngineProvider})
   * when {@code upsfleet.cluster.tls} names a certificate, key and authority.
   *
   * @throws IllegalArgumentException naming the key when only some are set or a file is unreadable
   */
  static Config withClusterTls(Config config) {
    String base = "upsfleet.cluster.tls.";
    String cert = config.getString(base + "cert").trim();
    String key = config.getString(base + "key").trim();
    String ca = config.getString(base + "ca").trim();
    if (cert.isEmpty() && key.isEmpty() && ca.isEmpty()) return config;
    for (String[] entry : new String[][] {{"cert", cert}, {"key", key}, {"ca", ca}}) {
      if (entry[1].isEmpty())
        throw new IllegalArgumentException(
            base + entry[0] + " must be set with the other two (cert, key, ca)");
      if (!Files.isReadable(Path.of(entry[1])))
        throw new IllegalArgumentException(
            base + entry[0] + " names a file that cannot be read: " + entry[1]);
    }
    String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
    return config
        .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
        .withValue(
            "pekko.remote.artery.ssl.ssl-engine-provider",
            ConfigValueFactory.fromAnyRef(
                "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider"))
        .withValue(engine + "cert-file", ConfigValueFactory.fromAnyRef(cert))
        .withValue(engine + "key-file", ConfigValueFactory.fromAnyRef(key))
        .withValue(engine + "ca-cert-file", ConfigValueFactory.fromAnyRef(ca));
  }

  private static List<String> seedNodes(String value, String systemName) {
    List<String> list = new ArrayList<>();
    for (String raw : value.split(",", -1)) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException(
            SEED_NODES_ENV
                + " has an empty entry in '"
                + value
                + "'; expected comma-separated addresses like pekko://"
                + systemName
                + "@10.0.0.1:25520");
      }
      if (!entry.startsWith("pekko://")) {
        throw new IllegalArgumentException(
            SEED_NODES_ENV
                + " entry '"
                + entry
                + "' does not start with pekko://;"
                + " expected an address like pekko://"
                + systemName
                + "@10.0.0.1:25520");
      }
      Matcher m = SEED_NODE.matcher(entry);
      if (!m.matches()
          || Integer.parseInt(m.group(3)) < 1
          || Integer.parseInt(m.group(3)) > 65535) {
        throw new IllegalArgumentException(
            SEED_NODES_ENV
                + " entry '"
                + entry
                + "' is not a Pekko address"
                + " pekko://<system>@<host>:<port> (port 1-65535), e.g. pekko://"
                + systemName
                + "@10.0.0.1:25520");
      }
      if (!m.group(1).equals(systemName)) {
        throw new IllegalArgumentException(
            SEED_NODES_ENV
                + " entry '"
                + entry
                + "' names the actor system '"
                + m.group(1)
                + "', but this node's is '"
                + systemName
                + "' (upsfleet.cluster.system-name):"
                + " nodes of one cluster must use the same name");
      }
      list.add(entry);
    }
    return List.copyOf(list);
  }

  /**
   * Starts a node.
   *
   * @param config a config from {@link #loadConfig}
   * @param db where the journal lives (the journal plugin opens its own pool to it)
   * @param dataSource the pool for the read side
   * @param clock the clock every date decision uses
   */
  public static UpsfleetCluster start(
      Config config, DatabaseSettings db, DataSource dataSource, Clock clock) {
    return start(createSystem(config, db), config, db, dataSource, clock);
  }

  /**
   * Creates the node's actor system without starting anything that needs the database: a caller may
   * serve health checks on it while it waits for the database, then {@link #start(ActorSystem,
   * Config, DatabaseSettings, DataSource, Clock)} the node on it. The journal's connection pool is
   * bounded like every other (see {@link #journalDatabaseConfig}).
   *
   * @throws IllegalArgumentException naming the key when the journal statement timeout is not well
   *     under the read journal's gap window, or a JDBC executor setting is invalid
   */
  public static ActorSystem<Void> createSystem(Config config, DatabaseSettings db) {
    JdbcExecutors.settings(config);
    Config withDb = journalDatabaseConfig(config, db).withFallback(config);
    // Issue 10: every journal write also bounded by the journal pool's connectionInitSql
    // (JournalWriteTimeout: statement, idle-in-transaction and transaction time-outs).
    withDb = JournalWriteTimeout.fromConfig(withDb).applyTo(withDb);
    String name = config.getString("upsfleet.cluster.system-name");
    return ActorSystem.create(Behaviors.empty(), name, withDb);
  }

  /**
   * The journal pool's (pekko-persistence-jdbc's shared Slick database) settings from {@code db}:
   * where the database is, the connection timeout, and the driver properties that bound every call
   * ({@link DatabaseSettings#driverProperties}) with the journal's statement timeout.
   *
   * @throws IllegalArgumentException naming {@code upsfleet.database.journal-statement-timeout}
   *     when it is more than half the read journal's gap window ({@code
   *     jdbc-read-journal.journal-sequence-retrieval.max-tries} times {@code query-delay}): an
   *     insert that took its ordering number must commit or fail long before the read side gives up
   *     on the number and moves past it for good
   */
  static Config journalDatabaseConfig(Config config, DatabaseSettings db) {
    Duration gapWindow =
        config
            .getDuration("jdbc-read-journal.journal-sequence-retrieval.query-delay")
            .multipliedBy(config.getInt("jdbc-read-journal.journal-sequence-retrieval.max-tries"));
    if (db.journalStatementTimeout().multipliedBy(2).compareTo(gapWindow) > 0) {
      throw new IllegalArgumentException(
          "upsfleet.database.journal-statement-timeout ("
              + db.journalStatementTimeout().toMillis()
              + "ms) must be at most half the read journal's gap window"
              + " (jdbc-read-journal.journal-sequence-retrieval.max-tries x query-delay = "
              + gapWindow.toMillis()
              + "ms), or a late journal insert could commit after projections skipped it");
    }
    String slick = "pekko-persistence-jdbc.shared-databases.slick.db.";
    Map<String, Object> values = new HashMap<>();
    values.put(slick + "url", db.url());
    values.put(slick + "user", db.user());
    values.put(slick + "password", db.password());
    values.put(slick + "connectionTimeout", db.connectionTimeout().toMillis());
    Map<String, String> properties =
        new HashMap<>(db.driverProperties(db.journalStatementTimeout()));
    properties.put("ApplicationName", JOURNAL_POOL_NAME);
    values.put(slick + "properties", properties);
    return ConfigFactory.parseMap(values);
  }

  /**
   * Starts the node on {@code system} (from {@link #createSystem}); terminates it when starting
   * fails.
   *
   * @param config a config from {@link #loadConfig}
   * @param db where the journal lives (the journal plugin opens its own pool to it)
   * @param dataSource the pool for the read side
   * @param clock the clock every date decision uses
   */
  public static UpsfleetCluster start(
      ActorSystem<Void> system,
      Config config,
      DatabaseSettings db,
      DataSource dataSource,
      Clock clock) {
    JdbcExecutors executors = null;
    try {
      Cluster cluster = Cluster.get(system);
      if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      executors = JdbcExecutors.fromConfig(config);
      Jdbc jdbc = new Jdbc(dataSource, executors.executor(JdbcExecutors.Kind.READS));
      DeviceSettings deviceSettings = DeviceSettings.fromConfig(config);
      TelemetryHistorySettings historySettings = TelemetryHistorySettings.fromConfig(config);
      UpsDevices devices = UpsDevices.init(system, deviceSettings, clock);
      DeviceDirectory directory = new DeviceDirectory(jdbc);
      DeviceProjection.init(system, dataSource, deviceSettings.tagSlices());
      ReadModelReconciler reconciler =
          ReadModelReconciler.init(
              system,
              jdbc,
              deviceSettings.tagSlices(),
              config.getDuration("upsfleet.read-model-reconciler.interval"),
              config.getInt("upsfleet.read-model-reconciler.batch"));
      Duration retryAfter = config.getDuration("upsfleet.licensing.retry-after");
      Licensing licensing =
          Licensing.init(system, devices, jdbc, Promotions.fromConfig(config), retryAfter, clock);
      LicensingProjection.init(system, dataSource);
      FirmwareRollouts rollouts = FirmwareRollouts.init(system, devices, clock);
      EmailDispatcher.init(system, jdbc, MailSettings.fromConfig(config), clock);
      DeviceWatchdog.init(
          system,
          devices,
          directory,
          config.getDuration("upsfleet.watchdog.interval"),
          config.getDuration("upsfleet.event-log.retention"),
          clock,
          () ->
              licensing
                  .stalled(retryAfter.multipliedBy(2), 1000)
                  .thenApply(
                      ids -> {
                        ids.forEach(licensing::wake);
                        return ids.size();
                      }));
      Accounts accounts =
          new Accounts(
              jdbc.on(executors.executor(JdbcExecutors.Kind.AUTHENTICATION)),
              new PasswordHasher(config.getInt("upsfleet.accounts.password-iterations")),
              HashingPool.fromConfig(config),
              config.getDuration("upsfleet.accounts.token-lifetime"),
              clock);
      TelemetryHistory history = TelemetryHistory.start(system, jdbc, historySettings, clock);
      // Issue 11: notifications (projection into the outbox, a dispatcher on every node).
      NotificationSettings notifySettings = NotificationSettings.fromConfig(config);
      UrlGuard guard = new UrlGuard(notifySettings);
      NotificationTransport notifyTransport =
          new NotificationTransport(
              notifySettings, guard, new MailTransport(MailSettings.fromConfig(config)), clock);
      NotificationProjection.init(
          system, dataSource, deviceSettings.tagSlices(), notifySettings, clock);
      NotificationDispatcher.init(system, dataSource, notifySettings, notifyTransport, clock);
      UpsfleetCluster node =
          new UpsfleetCluster(
              system,
              devices,
              directory,
              new DeviceCredentials(
                  jdbc.on(executors.executor(JdbcExecutors.Kind.CREDENTIALS)), clock),
              accounts,
              new AuditLog(jdbc.on(executors.executor(JdbcExecutors.Kind.AUDIT)), clock),
              jdbc,
              licensing,
              rollouts,
              history,
              reconciler,
              executors,
              RevocationBus.start(
                  system,
                  accounts,
                  jdbc.on(executors.executor(JdbcExecutors.Kind.AUTHENTICATION)),
                  config),
              ResellerSupport.start(system, jdbc, accounts, config, clock));
      node.sites = new Sites(jdbc, clock);
      node.notifications = new Notifications(jdbc, notifyTransport, guard, clock);
      return node;
    } catch (RuntimeException e) {
      system.terminate();
      if (executors != null) executors.close();
      throw e;
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Sites of accounts and the devices' sites. */
  public Sites sites() {
    return sites;
  }

  /** Notification destinations, policies, test sends, deliveries and incidents. */
  public Notifications notifications() {
    return notifications;
  }

  public UpsDevices devices() {
    return devices;
  }

  public DeviceDirectory directory() {
    return directory;
  }

  public DeviceCredentials credentials() {
    return credentials;
  }

  public Accounts accounts() {
    return accounts;
  }

  /** Token revocations of every node (the gateway's token cache listens). */
  public RevocationBus revocations() {
    return revocations;
  }

  public AuditLog audit() {
    return audit;
  }

  public Jdbc jdbc() {
    return jdbc;
  }

  /** The downsampled telemetry history: the edge offers accepted samples, the API reads it. */
  public TelemetryHistory telemetryHistory() {
    return telemetryHistory;
  }

  /** The read models' safety net; its counter feeds {@code read_model_gaps_repaired_total}. */
  public ReadModelReconciler readModelReconciler() {
    return reconciler;
  }

  /** This node's identity as recorded with each connection it serves. */
  public String nodeId() {
    return DeviceWatchdog.nodeId(system);
  }

  /** Whether this node is an Up member of the cluster. */
  public boolean isUp() {
    return Cluster.get(system).selfMember().status() == MemberStatus.up();
  }

  /**
   * The reason of a Coordinated Shutdown started by {@link #close}: the application stops its node
   * deliberately and keeps its process ({@code upsfleet-cluster.conf} sets {@code exit-jvm = off}
   * for it whatever the default).
   */
  public enum Closed implements CoordinatedShutdown.Reason {
    INSTANCE
  }

  /**
   * Leaves the cluster and terminates the actor system (Coordinated Shutdown with the reason {@link
   * Closed}), waiting up to {@code timeout}. Returns at once when the system already terminated,
   * e.g. after this node was downed.
   */
  public void close(Duration timeout) {
    if (system.whenTerminated().isCompleted()) return;
    // Queued history points go out while the JDBC executor still runs.
    telemetryHistory.close(
        timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5));
    CoordinatedShutdown.get(system).run(Closed.INSTANCE);
    accounts.close();
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // the JVM is going down or the caller moves on; nothing more to release here
    }
    executors.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
