package io.upsfleet.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.typesafe.config.Config;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.testing.TcpProxy;
import io.upsfleet.persistence.testing.TestDatabases;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY.md "Faults" with a real TCP proxy between the node and its PostgreSQL: cut (the
 * database is gone), frozen (TCP open, no answers) and slow. Devices connected over real MQTT keep
 * publishing QoS 1 events throughout. While the database is cut or frozen the API answers 503 (not
 * a hang), readiness is DOWN while liveness stays UP, devices are refused with CONNACK 0x03 or
 * disconnected to come back later; afterwards every event a device got a PUBACK for is in the event
 * log, and the node recovers by itself. A slow database only makes things slower.
 */
class DatabaseFaultIT {
  /** Generous bound for one HTTP answer: a request must never hang for want of the database. */
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);

  private static final Duration RECOVERY = Duration.ofSeconds(60);

  private static final HttpClient HTTP =
      ContractHttpClient.checked(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());

  /** Shorter than the defaults so that a held connection gives up within the answer bound. */
  private static final Map<String, Object> BOUNDS =
      Map.of(
          "upsfleet.database.socket-timeout", "5s",
          "upsfleet.database.statement-timeout", "3s",
          "upsfleet.database.journal-statement-timeout", "2s",
          "upsfleet.gateway.readiness.probe-interval", "1s",
          "upsfleet.gateway.readiness.probe-timeout", "1s",
          "upsfleet.devices.store-timeout", "5s");

  private static GatewayFixture gateway;
  private static UpsfleetClient support;
  private static String accountId;

  private final List<Device> fleet = new ArrayList<>();

  @BeforeAll
  static void startGateway() {
    gateway = GatewayFixture.startBehindProxy("database-faults", BOUNDS);
    support = gateway.support();
    accountId = support.createAccount("Database fault tests").id();
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @AfterEach
  void healAndStopFleet() {
    gateway.proxy().heal();
    fleet.forEach(Device::stop);
  }

  @Test
  void aCutDatabaseIsAnswered503AndNothingAcknowledgedIsLost() {
    startFleet(3);
    fleet.forEach(d -> d.awaitAcked(3));
    Device idle = idleDevice();

    gateway.proxy().cut();

    assertUnavailableButAlive(idle);
    gateway.proxy().heal();
    assertRecoveredWithNothingLost();
  }

  @Test
  void aFrozenDatabaseIsAnswered503AndNothingAcknowledgedIsLost() {
    startFleet(3);
    fleet.forEach(d -> d.awaitAcked(3));
    Device idle = idleDevice();

    gateway.proxy().freeze();

    assertUnavailableButAlive(idle);
    gateway.proxy().heal();
    assertRecoveredWithNothingLost();
  }

  @Test
  void aSlowDatabaseStillServesCorrectly() {
    startFleet(2);
    fleet.forEach(d -> d.awaitAcked(2));

    gateway.proxy().slow(Duration.ofMillis(50));
    long before = fleet.stream().mapToLong(d -> d.acked.size()).sum();
    await()
        .atMost(RECOVERY)
        .until(() -> fleet.stream().mapToLong(d -> d.acked.size()).sum() >= before + 10);
    assertEquals(200, get("/health/ready", null).statusCode());
    HttpResponse<String> list = get("/api/v1/devices?size=10", support.token());
    assertEquals(200, list.statusCode(), list.body());
    Device idle = idleDevice();
    idle.connectOnce(); // a CONNECT still succeeds, just later
    idle.stop();

    gateway.proxy().heal();
    fleet.forEach(Device::stop);
    assertEveryAcknowledgedEventLogged();
  }

  @Test
  void aDatabaseThatAnswersButRefusesWritesMakesTheNodeNotReady() throws SQLException {
    setReadOnly(true);
    try {
      await()
          .atMost(RECOVERY)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> get("/health/ready", null).statusCode() == 503);
      assertEquals(200, get("/health/alive", null).statusCode());
      // reads still work: it is the writes that readiness is about
      assertEquals(200, get("/api/v1/devices?size=10", support.token()).statusCode());
    } finally {
      setReadOnly(false);
    }
    await()
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> get("/health/ready", null).statusCode() == 200);
  }

  /**
   * Makes the node's database read-only (or writable again) for every new session, and ends the
   * existing ones so that the node's pools reconnect under the new rule.
   */
  private static void setReadOnly(boolean readOnly) throws SQLException {
    DatabaseSettings db = gateway.directDatabase();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      st.execute("SET default_transaction_read_only = off"); // this session may change it back
      String name;
      try (ResultSet rows = st.executeQuery("SELECT current_database()")) {
        rows.next();
        name = rows.getString(1);
      }
      st.execute(
          "ALTER DATABASE "
              + name
              + (readOnly
                  ? " SET default_transaction_read_only = on"
                  : " RESET default_transaction_read_only"));
      st.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }
  }

  @Test
  void aFullReadExecutorAnswers503AtOnceInsteadOfQueueingRequestsBehindAFrozenDatabase()
      throws Exception {
    Map<String, Object> tiny = new HashMap<>(BOUNDS);
    tiny.put("upsfleet.jdbc-executors.reads.threads", 1);
    tiny.put("upsfleet.jdbc-executors.reads.queue-size", 1);
    try (GatewayFixture small = GatewayFixture.startBehindProxy("database-faults-small", tiny)) {
      UpsfleetClient admin = small.support();
      URI base = small.httpBase();
      assertEquals(200, get(base, "/api/v1/devices?size=1", admin.token()).statusCode());

      small.proxy().freeze();
      // Each call needing the database now takes up to the 3-s connection timeout. Queued behind
      // one thread, the 12th would wait 30 s or more; bounded, the excess is refused at once.
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(
            CompletableFuture.supplyAsync(
                () -> get(base, "/api/v1/devices?size=1", admin.token())));
      }
      for (CompletableFuture<HttpResponse<String>> call : calls) {
        HttpResponse<String> r = call.get(60, TimeUnit.SECONDS);
        assertEquals(503, r.statusCode(), r.body());
      }
      small.proxy().heal();
    }
  }

  @Test
  void aNodeWaitingForItsDatabaseIsAliveButNotReadyAndStartsWhenItComes() throws Exception {
    DatabaseSettings fresh = TestDatabases.fresh("database-faults-start");
    Config config = GatewayFixture.config("database-faults-start", BOUNDS);
    try (TcpProxy proxy = GatewayFixture.proxyFor(fresh)) {
      proxy.cut();
      CompletableFuture<Integer> httpPort = new CompletableFuture<>();
      CompletableFuture<GatewayNode> started =
          CompletableFuture.supplyAsync(
              () ->
                  GatewayNode.start(
                      config,
                      GatewayFixture.throughProxy(fresh, proxy, config),
                      null,
                      Clock.systemUTC(),
                      httpPort::complete));
      URI base = URI.create("http://127.0.0.1:" + httpPort.get(60, TimeUnit.SECONDS));

      assertEquals(200, get(base, "/health/alive", null).statusCode());
      assertEquals(503, get(base, "/health/ready", null).statusCode());
      assertEquals(503, get(base, "/api/v1/devices", "whatever").statusCode());
      assertTrue(!started.isDone(), "the node waits for its database");

      proxy.heal();
      try (GatewayNode node = started.get(90, TimeUnit.SECONDS)) {
        await().atMost(RECOVERY).until(() -> get(base, "/health/ready", null).statusCode() == 200);
        assertEquals(base.getPort(), node.httpPort());
      }
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  /**
   * While the fault lasts: liveness 200, readiness and a database-backed API call 503 within the
   * answer bound, a CONNECT refused with "server unavailable".
   */
  private void assertUnavailableButAlive(Device idle) {
    await()
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get("/health/ready", null).statusCode() == 503);
    assertEquals(200, get("/health/alive", null).statusCode());
    HttpResponse<String> list = get("/api/v1/devices?size=10", support.token());
    assertEquals(503, list.statusCode(), list.body());
    assertTrue(list.headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
    HttpResponse<String> events =
        get("/api/v1/devices/" + fleet.get(0).serial + "/events", support.token());
    assertEquals(503, events.statusCode(), events.body());

    Mqtt3ConnAckReturnCode refused = idle.connectRefused();
    assertEquals(Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE, refused);
    // connected devices found out too: publishing, they were disconnected or refused on reconnect
    await().atMost(RECOVERY).until(() -> fleet.stream().allMatch(d -> d.toldToComeBack.get() > 0));
  }

  /** After heal: ready again by itself, new events accepted, nothing acknowledged lost. */
  private void assertRecoveredWithNothingLost() {
    await()
        .atMost(RECOVERY)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> get("/health/ready", null).statusCode() == 200);
    Map<Device, Integer> before = new HashMap<>();
    fleet.forEach(d -> before.put(d, d.acked.size()));
    for (Device d : fleet) {
      await().atMost(RECOVERY).until(() -> d.acked.size() >= before.get(d) + 2);
    }
    assertEquals(200, get("/api/v1/devices?size=10", support.token()).statusCode());
    fleet.forEach(Device::stop);
    assertEveryAcknowledgedEventLogged();
  }

  /** Every event a device got a PUBACK for is in its event log (found by its unique id). */
  private void assertEveryAcknowledgedEventLogged() {
    for (Device d : fleet) {
      Set<String> acked = Set.copyOf(d.acked);
      assertTrue(!acked.isEmpty());
      await()
          .atMost(RECOVERY)
          .untilAsserted(
              () -> {
                Set<String> missing = new HashSet<>(acked);
                missing.removeAll(loggedIds(d.serial));
                assertEquals(
                    Set.of(),
                    missing,
                    d.serial
                        + ": PUBACKed events missing from the event log (of "
                        + acked.size()
                        + ")");
              });
    }
  }

  private static Set<String> loggedIds(String serial) {
    Set<String> ids = new HashSet<>();
    for (int page = 0; ; page++) {
      PageView<DeviceEventView> p =
          support.events(serial, Map.of("size", "500", "page", Integer.toString(page)));
      p.items().forEach(e -> ids.add(e.details().get("id")));
      if (p.items().size() < 500) return ids;
    }
  }

  private void startFleet(int size) {
    for (int i = 0; i < size; i++) {
      Device d = newDevice();
      fleet.add(d);
      d.startPublishing();
    }
  }

  /** A registered device that connected once (its credentials are known to the node) and left. */
  private Device idleDevice() {
    Device d = newDevice();
    d.connectOnce();
    d.stop();
    return d;
  }

  private static Device newDevice() {
    String serial = GatewayFixture.uniqueSerial();
    return new Device(serial, support.registerDevice(serial, "SMT1500", accountId).secret());
  }

  private static HttpResponse<String> get(String path, String token) {
    return get(gateway.httpBase(), path, token);
  }

  /** A GET that must be answered within {@link #ANSWER_BOUND}; fails the test otherwise. */
  private static HttpResponse<String> get(URI base, String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(ANSWER_BOUND).GET();
    if (token != null) b.header("Authorization", "Bearer " + token);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("no answer to GET " + path + " within " + ANSWER_BOUND, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A simulated UPS: connects, publishes a QoS 1 event with a unique id every 100 ms, and records
   * every id the gateway acknowledged. When the connection is closed or refused it comes back.
   */
  private static final class Device {
    private static final AtomicInteger THREADS = new AtomicInteger();
    final String serial;
    final String secret;
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final AtomicInteger toldToComeBack = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    private volatile boolean running;
    private volatile Thread thread;
    private volatile Mqtt3BlockingClient client;

    Device(String serial, String secret) {
      this.serial = serial;
      this.secret = secret;
    }

    private Mqtt3BlockingClient newClient() {
      return Mqtt3Client.builder()
          .identifier(serial)
          .serverHost("127.0.0.1")
          .serverPort(gateway.mqttPort())
          .simpleAuth()
          .username(serial)
          .password(secret.getBytes(UTF_8))
          .applySimpleAuth()
          .buildBlocking();
    }

    void connectOnce() {
      client = newClient();
      client.connect();
    }

    /** Tries to connect, expecting a refusal; returns the CONNACK code. */
    Mqtt3ConnAckReturnCode connectRefused() {
      Mqtt3BlockingClient c = newClient();
      try {
        c.connect();
      } catch (Mqtt3ConnAckException e) {
        return e.getMqttMessage().getReturnCode();
      }
      c.disconnect();
      throw new AssertionError("CONNECT of " + serial + " accepted while the database is down");
    }

    void startPublishing() {
      running = true;
      thread = new Thread(this::run, "device-" + serial + "-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      thread.start();
    }

    void awaitAcked(int n) {
      await().atMost(RECOVERY).until(() -> acked.size() >= n);
    }

    private void run() {
      while (running) {
        Mqtt3BlockingClient c = client;
        if (c == null || !c.getState().isConnected()) {
          if (!tryConnect()) {
            pause(250);
            continue;
          }
          c = client;
        }
        publish(c);
        pause(100);
      }
    }

    private boolean tryConnect() {
      Mqtt3BlockingClient c = newClient();
      try {
        c.connect();
        client = c;
        return true;
      } catch (Mqtt3ConnAckException e) {
        if (e.getMqttMessage().getReturnCode() == Mqtt3ConnAckReturnCode.SERVER_UNAVAILABLE)
          toldToComeBack.incrementAndGet();
        return false;
      } catch (RuntimeException e) {
        toldToComeBack.incrementAndGet(); // closed before a CONNACK: also "come back later"
        return false;
      }
    }

    private void publish(Mqtt3BlockingClient c) {
      long n = seq.incrementAndGet();
      String id = serial + "-" + n;
      String payload =
          "{\"ts\":\""
              + Instant.now().truncatedTo(ChronoUnit.SECONDS)
              + "\",\"seq\":"
              + n
              + ",\"type\":\"SELF_TEST_PASSED\",\"details\":{\"id\":\""
              + id
              + "\"}}";
      try {
        c.toAsync()
            .publishWith()
            .topic("ups/" + serial + "/events")
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload(payload.getBytes(UTF_8))
            .send()
            .get(15, TimeUnit.SECONDS);
        acked.add(id);
      } catch (ExecutionException | TimeoutException e) {
        if (!c.getState().isConnected()) toldToComeBack.incrementAndGet();
        else safely(c::disconnect);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }

    void stop() {
      running = false;
      Thread t = thread;
      if (t != null) {
        try {
          t.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Mqtt3BlockingClient c = client;
      if (c != null && c.getState().isConnected()) safely(c::disconnect);
    }

    private static void safely(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // already gone
      }
    }

    private static void pause(long millis) {
      try {
        Thread.sleep(millis); // a device's own pace, not a wait for a condition
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The journal pool really carries the driver properties (its connections show their name). */
  @Test
  void theJournalPoolConnectsWithItsBoundedDriverProperties() {
    startFleet(1);
    fleet.get(0).awaitAcked(1); // an event was journaled: the journal pool is open
    await().atMost(RECOVERY).until(() -> journalConnections() > 0);
  }

  private static int journalConnections() throws SQLException {
    try (Connection c = gateway.node().cluster().jdbc().dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rows =
            st.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + UpsfleetCluster.JOURNAL_POOL_NAME
                    + "'")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
