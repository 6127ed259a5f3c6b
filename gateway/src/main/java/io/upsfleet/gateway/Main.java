package io.upsfleet.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.gateway.agent.Agent;
import io.upsfleet.gateway.tls.LocalCa;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.EmbeddedDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code upsfleet demo}: an embedded PostgreSQL under the data directory, one gateway node, and a
 * support login printed on start (data survives restarts). {@code upsfleet node}: a production node
 * against the PostgreSQL named by {@code UPSFLEET_DB_URL}.
 *
 * <p>Either process ends by itself, with status 255 and an ERROR line, when its node is downed or
 * removed from the cluster or its actor system terminates ({@code upsfleet-node.conf}); nodes
 * started in another JVM with {@link GatewayNode#start} close their listeners then but never end
 * the process.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    String mode = args.length == 0 ? "" : args[0];
    if (mode.equals("certificates") && args.length >= 3) {
      certificates(Path.of(args[1]), List.of(args).subList(2, args.length));
      return;
    }
    if (mode.equals("agent")) {
      Agent.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (!mode.equals("demo") && !mode.equals("node")) {
      System.err.println(
          "usage: upsfleet demo | node | certificates DIR NODE-NAME... | agent OPTIONS\n"
              + "  demo          embedded PostgreSQL under UPSFLEET_DATA_DIR (default ./data), one node, a printed login\n"
              + "  node          a node against UPSFLEET_DB_URL / UPSFLEET_DB_USER / UPSFLEET_DB_PASSWORD\n"
              + "  certificates  a local certificate authority in DIR (made if absent), a server certificate and\n"
              + "                one cluster certificate per node name, for trying TLS and a cluster out\n"
              + "  agent         brings a UPS behind a local NUT upsd into upsfleet (options: agent --help)");
      System.exit(2);
    }
    try {
      run(mode.equals("demo"));
    } catch (IllegalArgumentException | IllegalStateException e) {
      log.error("upsfleet could not start: {}", e.getMessage());
      System.exit(1);
    }
  }

  private static void run(boolean demo) {
    Config config =
        UpsfleetCluster.loadConfig(
            ConfigFactory.parseResourcesAnySyntax("application")
                .withFallback(ConfigFactory.parseResources("upsfleet-node.conf")));
    config = demo ? withDemoCertificates(config) : productionTls(config);
    config = nutDefaults(config, demo);
    DatabaseSettings db = DatabaseSettings.fromConfig(config);
    EmbeddedDatabase embedded = null;
    if (db.embedded()) {
      if (!demo)
        throw new IllegalStateException(
            "node needs UPSFLEET_DB_URL (use 'demo' for an embedded database)");
      embedded = EmbeddedDatabase.start(config);
      db = embedded.settings();
    }
    // One hook stops everything in order: the node (listeners, then entities and projections, then
    // its pools), then the embedded database. The database has no hook of its own, which would run
    // at the same time and cut the node's last writes.
    EmbeddedDatabase toClose = embedded;
    AtomicReference<GatewayNode> running = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  GatewayNode started = running.get();
                  if (started != null) started.close();
                  if (toClose != null) toClose.close();
                  stopped.countDown();
                },
                "upsfleet-shutdown"));
    String password = config.getString("upsfleet.gateway.bootstrap.password");
    if (password.isEmpty() && demo)
      password = demoPassword(Path.of(config.getString("upsfleet.data-dir")));
    GatewayNode node;
    try {
      node = GatewayNode.start(config, db, password.isEmpty() ? null : password, Clock.systemUTC());
    } catch (RuntimeException e) {
      if (embedded != null) embedded.close();
      throw e;
    }
    running.set(node);
    String user = config.getString("upsfleet.gateway.bootstrap.user");
    System.out.printf("%n  upsfleet %s is running%n", demo ? "demo" : "node");
    System.out.printf(
        "  HTTP API   http://127.0.0.1:%d/api/v1   (health: /health/ready, metrics: /metrics)%n",
        node.httpPort());
    if (node.mqttPort() > 0)
      System.out.printf("  MQTT       tcp://127.0.0.1:%d%n", node.mqttPort());
    if (node.nutPort() > 0)
      System.out.printf(
          "  NUT        upsc SERIAL@127.0.0.1:%d   (upsd protocol; README, 'NUT')%n",
          node.nutPort());
    if (node.mqttTlsPort() > 0) {
      System.out.printf("  MQTT/TLS   mqtts://127.0.0.1:%d%n", node.mqttTlsPort());
      System.out.printf("  HTTPS API  https://127.0.0.1:%d/api/v1%n", node.httpsPort());
    }
    if (demo && node.mqttTlsPort() > 0) {
      String ca = config.getString("upsfleet.tls.ca-file-hint");
      System.out.printf(
          "  TLS check  mosquitto_pub --cafile %s -h localhost -p %d -i SERIAL -u SERIAL -P SECRET"
              + " -t ups/SERIAL/telemetry -m '{...}'%n"
              + "             curl --cacert %s https://localhost:%d/health/ready%n",
          ca, node.mqttTlsPort(), ca, node.httpsPort());
    }
    if (!password.isEmpty())
      System.out.printf("  Sign in    user '%s', password '%s'%n", user, password);
    if (config.getString("upsfleet.mail.smtp.host").isEmpty()) {
      System.out.printf(
          "  Mail       written as .eml files to %s (set UPSFLEET_SMTP_HOST to send)%n",
          Path.of(config.getString("upsfleet.mail.file-dir")).toAbsolutePath().normalize());
    }
    System.out.printf(
        "  Token      curl -s -X POST -H 'Content-Type: application/json' -d '{\"username\":\"%s\",\"password\":\"...\"}' http://127.0.0.1:%d/api/v1/auth/token%n%n",
        user, node.httpPort());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The demo serves TLS beside its plain ports: unless a certificate is configured, a local
   * certificate authority is made in {@code <data-dir>/tls} on first start and issues the node's
   * certificate.
   */
  private static Config withDemoCertificates(Config config) {
    Path dir = Path.of(config.getString("upsfleet.data-dir")).resolve("tls");
    if (!config.getString("upsfleet.tls.cert").isBlank()) {
      return config.withValue(
          "upsfleet.tls.ca-file-hint", ConfigValueFactory.fromAnyRef("<your CA file>"));
    }
    LocalCa ca = LocalCa.openOrCreate(dir);
    return config
        .withValue(
            "upsfleet.tls.cert",
            ConfigValueFactory.fromAnyRef(ca.serverCertFile().toAbsolutePath().toString()))
        .withValue(
            "upsfleet.tls.key",
            ConfigValueFactory.fromAnyRef(ca.serverKeyFile().toAbsolutePath().toString()))
        .withValue(
            "upsfleet.tls.ca-file-hint",
            ConfigValueFactory.fromAnyRef(ca.caFile().toAbsolutePath().toString()));
  }

  /**
   * A production node serves TLS: it refuses to start without a certificate, and plain MQTT is off
   * unless {@code UPSFLEET_MQTT_PLAIN=true} is set.
   */
  private static Config productionTls(Config config) {
    if (config.getString("upsfleet.tls.cert").isBlank()) {
      throw new IllegalStateException(
          "a node serves MQTT and HTTPS over TLS: set UPSFLEET_TLS_CERT and UPSFLEET_TLS_KEY to the"
              + " PEM certificate chain and private key of this node (see README, 'TLS'; 'upsfleet"
              + " certificates' makes a local authority to try it out)");
    }
    if (config.getString("upsfleet.cluster.tls.cert").isBlank()
        && !"true".equals(System.getenv("UPSFLEET_CLUSTER_PLAIN"))) {
      throw new IllegalStateException(
          "nodes talk to each other over mutual TLS: set UPSFLEET_CLUSTER_TLS_CERT,"
              + " UPSFLEET_CLUSTER_TLS_KEY and UPSFLEET_CLUSTER_TLS_CA (see README, 'TLS'), or"
              + " UPSFLEET_CLUSTER_PLAIN=true where the network between the nodes is protected"
              + " otherwise");
    }
    if (System.getenv("UPSFLEET_MQTT_PLAIN") == null) {
      config = config.withValue("upsfleet.tls.plain-mqtt", ConfigValueFactory.fromAnyRef(false));
    }
    return config;
  }

  /**
   * The NUT facade is off in {@code node} unless {@code UPSFLEET_NUT_PORT} is set; the demo serves
   * it and lets local clients without credentials ({@code upsc} cannot sign in) read every UPS,
   * unless {@code UPSFLEET_NUT_ANONYMOUS_READ_FROM} says otherwise.
   */
  private static Config nutDefaults(Config config, boolean demo) {
    if (!demo && System.getenv("UPSFLEET_NUT_PORT") == null)
      return config.withValue("upsfleet.gateway.nut.port", ConfigValueFactory.fromAnyRef(0));
    if (demo && System.getenv("UPSFLEET_NUT_ANONYMOUS_READ_FROM") == null)
      return config.withValue(
          "upsfleet.gateway.nut.anonymous-read-from",
          ConfigValueFactory.fromAnyRef("127.0.0.1,::1"));
    return config;
  }

  /** {@code upsfleet certificates DIR NAME...}: see the usage text. */
  private static void certificates(Path dir, List<String> names) {
    LocalCa ca = LocalCa.openOrCreate(dir);
    System.out.printf("authority     %s%n", ca.caFile().toAbsolutePath());
    System.out.printf(
        "server        UPSFLEET_TLS_CERT=%s UPSFLEET_TLS_KEY=%s%n",
        ca.serverCertFile().toAbsolutePath(), ca.serverKeyFile().toAbsolutePath());
    for (String name : names) {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
        System.err.println("not a node name (letters, digits, '.', '-'): " + name);
        System.exit(2);
      }
      Path cert = dir.resolve(name + ".pem").toAbsolutePath();
      Path key = dir.resolve(name + "-key.pem").toAbsolutePath();
      ca.issueClusterNode(name, cert, key);
      System.out.printf(
          "cluster node  %s: UPSFLEET_CLUSTER_TLS_CERT=%s UPSFLEET_CLUSTER_TLS_KEY=%s"
              + " UPSFLEET_CLUSTER_TLS_CA=%s%n",
          name, cert, key, ca.caFile().toAbsolutePath());
    }
  }

  /**
   * The demo's support password: generated at first start and kept (owner-only) in the data
   * directory.
   */
  private static String demoPassword(Path dataDir) {
    Path file = dataDir.resolve("support-password.txt");
    try {
      if (Files.exists(file)) return Files.readString(file, StandardCharsets.UTF_8).trim();
      Files.createDirectories(dataDir);
      byte[] raw = new byte[12];
      new SecureRandom().nextBytes(raw);
      String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      Files.writeString(file, pw + "\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return pw;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot keep the demo password in " + file + ": " + e.getMessage(), e);
    }
  }
}
