package io.upsfleet.gateway;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.cluster.device.DeviceMetrics;
import io.upsfleet.cluster.device.ReadModelReconciler;
import io.upsfleet.cluster.telemetry.TelemetryHistory;
import io.upsfleet.gateway.http.ClusterApiServices;
import io.upsfleet.gateway.http.FailureThrottle;
import io.upsfleet.gateway.http.HttpApi;
import io.upsfleet.gateway.http.HttpSettings;
import io.upsfleet.gateway.mqtt.ClusterDeviceSessions;
import io.upsfleet.gateway.mqtt.MqttServer;
import io.upsfleet.gateway.mqtt.MqttSettings;
import io.upsfleet.gateway.nut.ClusterNutServices;
import io.upsfleet.gateway.nut.NutServer;
import io.upsfleet.gateway.nut.NutSettings;
import io.upsfleet.gateway.tls.ServerTls;
import io.upsfleet.gateway.tls.TlsSettings;
import io.upsfleet.persistence.DataSources;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.Migrations;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway node: the actor system and the HTTP listener (alive, not yet ready), then the
 * database pool and migrations, the cluster node, the readiness probe, the MQTT edge and the whole
 * HTTP API, started in that order and closed in reverse. Settings are validated before anything
 * starts.
 */
public final class GatewayNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayNode.class);
  private final HikariDataSource dataSource;
  private final UpsfleetCluster cluster;
  private final DatabaseProbe probe;
  private final MqttServer mqtt;
  private final HttpApi http;
  private final ServerTls tls;
  private final ProjectionLag lag;
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile NutServer nut;

  private GatewayNode(
      HikariDataSource dataSource,
      UpsfleetCluster cluster,
      DatabaseProbe probe,
      MqttServer mqtt,
      HttpApi http,
      ServerTls tls,
      ProjectionLag lag) {
    this.dataSource = dataSource;
    this.tls = tls;
    this.lag = lag;
    this.cluster = cluster;
    this.probe = probe;
    this.mqtt = mqtt;
    this.http = http;
  }

  /**
   * Starts a node against {@code db}.
   *
   * @param config a config from {@link UpsfleetCluster#loadConfig}
   * @param bootstrapPassword password of the bootstrap support user to create if missing, or null
   *     for none
   */
  public static GatewayNode start(
      Config config, DatabaseSettings db, String bootstrapPassword, Clock clock) {
    return start(config, db, bootstrapPassword, clock, port -> {});
  }

  /**
   * Starts a node against {@code db}, telling {@code httpListening} the HTTP port as soon as the
   * listener is up, before the node waits for its database (from then on {@code /health/alive}
   * answers).
   */
  public static GatewayNode start(
      Config config,
      DatabaseSettings db,
      String bootstrapPassword,
      Clock clock,
      IntConsumer httpListening) {
    MqttSettings mqttSettings = MqttSettings.fromConfig(config);
    HttpSettings httpSettings = HttpSettings.fromConfig(config);
    TlsSettings tlsSettings = TlsSettings.fromConfig(config);
    NutSettings nutSettings = NutSettings.fromConfig(config);
    ServerTls tls = tlsSettings.enabled() ? ServerTls.start(tlsSettings) : null;
    DatabaseProbe.Settings probeSettings = DatabaseProbe.Settings.fromConfig(config);
    ActorSystem<Void> system = UpsfleetCluster.createSystem(config, db);
    HttpApi http = null;
    HikariDataSource ds = null;
    UpsfleetCluster cluster = null;
    DatabaseProbe probe = null;
    MqttServer mqtt = null;
    ProjectionLag lag = null;
    NutServer nut = null;
    try {
      http = HttpApi.bind(httpSettings, tls, system);
      httpListening.accept(http.port());
      ds = awaitDatabase(db, config.getDuration("upsfleet.gateway.startup.database-wait"));
      int applied = Migrations.migrate(ds);
      if (applied > 0) log.info("applied {} database migrations", applied);
      cluster = UpsfleetCluster.start(system, config, db, ds, clock);
      if (bootstrapPassword != null && !bootstrapPassword.isEmpty()) {
        String user = config.getString("upsfleet.gateway.bootstrap.user");
        boolean created =
            cluster
                .accounts()
                .ensureSupportUser(user, bootstrapPassword)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        if (created) log.info("created support user '{}'", user);
      }
      probe = DatabaseProbe.start(ds, cluster.nodeId(), probeSettings);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      EntityCountGauge.register(registry, cluster);
      if (tls != null) tls.registerMetrics(registry, clock);
      lag = ProjectionLag.start(ds, registry, Duration.ofSeconds(15));
      registerHistoryMeters(registry, cluster.telemetryHistory());
      FunctionCounter.builder(
              "read.model.gaps.repaired",
              cluster.readModelReconciler(),
              ReadModelReconciler::gapsRepaired)
          .description("devices whose read models missed journal events and were repaired")
          .register(registry);
      registerDeviceMeters(registry, cluster.devices().metrics());
      DatabaseProbe writable = probe;
      Gauge.builder("database.writable", () -> writable.writable() ? 1 : 0)
          .description("1 while the readiness probe's database writes commit, else 0")
          .register(registry);
      mqtt =
          MqttServer.start(
              mqttSettings,
              tls,
              tlsSettings.plainMqtt(),
              new ClusterDeviceSessions(cluster, mqttSettings, registry),
              registry,
              clock);
      MqttServer listening = mqtt;
      http.serve(
          httpSettings,
          ClusterApiServices.over(cluster),
          registry,
          () -> listening != null,
          probe::writable,
          clock);
      if (nutSettings.enabled())
        nut =
            NutServer.start(
                nutSettings,
                new ClusterNutServices(cluster),
                new FailureThrottle(
                    httpSettings.signInFailuresPerUser(), httpSettings.signInFailureRefill()),
                new FailureThrottle(
                    httpSettings.signInFailuresPerAddress(), httpSettings.signInFailureRefill()),
                tls == null ? null : tls.mqttContext());
      GatewayNode node = new GatewayNode(ds, cluster, probe, mqtt, http, tls, lag);
      node.nut = nut;
      node.closeListenersOnShutdown(config);
      return node;
    } catch (Exception e) {
      if (nut != null) nut.close();
      if (http != null) http.close();
      if (mqtt != null) mqtt.close();
      if (probe != null) probe.close();
      if (cluster != null) cluster.close(Duration.ofSeconds(10));
      else system.terminate();
      if (ds != null) ds.close();
      if (tls != null) tls.close();
      if (lag != null) lag.close();
      if (e instanceof RuntimeException re) throw re;
      throw new IllegalStateException("node failed to start: " + e, e);
    }
  }

  /**
   * Opens the pool, retrying while the database is unreachable (a node may start before its
   * database): the process stays up and says so in the log, and gives up after {@code wait}.
   */
  private static HikariDataSource awaitDatabase(DatabaseSettings db, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    long backoff = 1000;
    while (true) {
      try {
        return DataSources.create(db, "upsfleet-read");
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the database " + db + " stayed unreachable for " + wait + ": " + e.getMessage(), e);
        }
        log.warn("database {} not reachable ({}); retrying in {} ms", db, e.getMessage(), backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the database", ie);
        }
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  public UpsfleetCluster cluster() {
    return cluster;
  }

  public int mqttPort() {
    return mqtt.port();
  }

  public int httpPort() {
    return http.port();
  }

  /** The port of the NUT facade; -1 when it is off. */
  public int nutPort() {
    return nut == null ? -1 : nut.port();
  }

  /** Open NUT connections (0 when the facade is off). */
  public int nutConnections() {
    return nut == null ? 0 : nut.connectionCount();
  }

  /** The port of MQTT over TLS; -1 when TLS is off. */
  public int mqttTlsPort() {
    return mqtt.tlsPort();
  }

  /** The port of the HTTPS API; -1 when TLS is off. */
  public int httpsPort() {
    return http.httpsPort();
  }

  /**
   * Ties the listeners to the actor system's Coordinated Shutdown, whatever starts it: this node
   * downed by the split-brain resolver or removed from the cluster, its actor system terminating,
   * the JVM stopping, or {@link #close}. A node whose cluster is gone must not keep devices: it
   * stops accepting MQTT and HTTP connections ({@code service-unbind}), closes every device
   * connection and the HTTP connections ({@code service-requests-done}) so that its devices
   * reconnect to the other nodes, and releases the MQTT threads ({@code service-stop}). Unless this
   * node was asked to stop, an ERROR line says why; whether the process then exits is {@code
   * pekko.coordinated-shutdown.exit-jvm} (on for {@link Main}'s processes, off when embedded).
   */
  private void closeListenersOnShutdown(Config config) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(cluster.system());
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "upsfleet-announce",
        () -> {
          CoordinatedShutdown.Reason reason =
              shutdown.getShutdownReason().orElse(CoordinatedShutdown.unknownReason());
          if (closing.get()
              || reason instanceof UpsfleetCluster.Closed
              || reason == CoordinatedShutdown.jvmExitReason()) {
            log.info(
                "stopping: closing the MQTT listener ({} device connections) and the HTTP API",
                mqtt.connectionCount());
          } else {
            log.error(
                "{} ({}): closing the MQTT listener and its {} device connections and the HTTP API,"
                    + " so that the devices reconnect to the other nodes; {}",
                unexpected(reason),
                reason,
                mqtt.connectionCount(),
                exitsJvm(config, reason)
                    ? "the process exits when the actor system has terminated"
                    : "this node stays down until it is started again");
          }
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "upsfleet-stop-accepting",
        () ->
            closeNut()
                .thenCompose(n -> mqtt.stopAccepting())
                .thenCombine(http.stopAccepting(), (a, b) -> Done.getInstance())
                .exceptionally(e -> Done.getInstance()));
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "upsfleet-close-connections",
        () ->
            mqtt.closeConnections()
                .thenCombine(http.stop(Duration.ofSeconds(1)), (a, b) -> Done.getInstance())
                .exceptionally(e -> Done.getInstance()));
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceStop(),
        "upsfleet-release-mqtt",
        () -> mqtt.stop().exceptionally(e -> Done.getInstance()));
  }

  /** Closes the NUT facade off the calling thread (a node whose cluster is gone serves no NUT). */
  private CompletionStage<Done> closeNut() {
    NutServer n = nut;
    return n == null
        ? CompletableFuture.completedFuture(Done.getInstance())
        : CompletableFuture.runAsync(n::close).handle((x, e) -> Done.getInstance());
  }

  private static String unexpected(CoordinatedShutdown.Reason reason) {
    if (reason == CoordinatedShutdown.clusterDowningReason())
      return "this node was downed (by the split-brain resolver after a partition, or by an operator)";
    if (reason == CoordinatedShutdown.clusterLeavingReason())
      return "this node was removed from the cluster";
    if (reason == CoordinatedShutdown.actorSystemTerminateReason())
      return "this node's actor system is terminating";
    return "this node is shutting down";
  }

  /** {@code pekko.coordinated-shutdown.exit-jvm}, as overridden for {@code reason}. */
  private static boolean exitsJvm(Config config, CoordinatedShutdown.Reason reason) {
    String override =
        "pekko.coordinated-shutdown.reason-overrides.\""
            + reason.getClass().getName()
            + "\".exit-jvm";
    return config.hasPath(override)
        ? config.getBoolean(override)
        : config.getBoolean("pekko.coordinated-shutdown.exit-jvm");
  }

  /**
   * Stops accepting, closes device connections (recorded as disconnections), then the rest. Quick
   * when Coordinated Shutdown already closed the listeners (e.g. after this node was downed).
   */
  @Override
  public void close() {
    closing.set(true);
    if (nut != null) nut.close();
    http.close();
    mqtt.close();
    probe.close();
    cluster.close(Duration.ofSeconds(20));
    lag.close();
    dataSource.close();
    if (tls != null) tls.close();
  }

  private static void registerHistoryMeters(MeterRegistry registry, TelemetryHistory history) {
    FunctionCounter.builder("telemetry.history.dropped", history, TelemetryHistory::dropped)
        .description("telemetry history points dropped because the write queue was full")
        .register(registry);
    FunctionCounter.builder("telemetry.history.failed", history, TelemetryHistory::failed)
        .description("telemetry history points lost to a failed batch write")
        .register(registry);
    Gauge.builder("telemetry.history.queued", history, TelemetryHistory::queued)
        .description("telemetry history points waiting to be written")
        .register(registry);
  }

  /** The device entities' counters, read from the cluster's. */
  private static void registerDeviceMeters(MeterRegistry registry, DeviceMetrics m) {
    FunctionCounter.builder("telemetry.stale", m.staleSamples(), Counter::count)
        .description("telemetry samples older than the device's newest, ignored")
        .register(registry);
    FunctionCounter.builder("devices.cloned", m.clonedDevices(), Counter::count)
        .description("devices whose identity is used by two live connections")
        .register(registry);
    FunctionCounter.builder("device.replay.failures", m.replayFailures(), Counter::count)
        .description("device journals that could not be replayed")
        .register(registry);
  }
}
