package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three gateway node processes on one PostgreSQL form one Pekko cluster (joined through {@code
 * UPSFLEET_SEED_NODES}) and survive the {@code kill -9} of a node that is not the oldest
 * (PERFORMANCE.md S5, RELIABILITY.md "kill -9 of a node holding a third of the connections"):
 * {@value #DEVICES} UPSs spread over the three MQTT listeners publish telemetry and device events
 * (QoS 1) throughout; those whose connection dies reconnect to another node, as a device behind a
 * load balancer would. Within {@link #SERVE_AGAIN_WITHIN} every device is served again (online, and
 * a sample sent after the kill shows in its live view), no acknowledged event is lost (each is in
 * the event log, fed by the projections, whose instances on the dead node restart elsewhere), and
 * no UPS has two live entities. The nodes run {@code io.upsfleet.gateway.Main node} from the test
 * class path (the jar is built after the tests run).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterFailoverIT {
  private static final int NODES = 3;
  private static final int DEVICES = 30;
  private static final Duration SERVE_AGAIN_WITHIN = Duration.ofSeconds(60);
  private static final String PASSWORD = "support-failover-password";
  private static final String SYSTEM = "upsfleet";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern ENTITIES =
      Pattern.compile("(?m)^device_entities(?:\\{[^}]*})?\\s+([0-9.eE+-]+)\\s*$");

  @Test
  void threeNodesFormOneClusterAndServeEveryDeviceAgainAfterTheKillOfOne() throws Exception {
    long testStart = System.nanoTime();
    Path work =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cluster-failover-");
    DatabaseSettings db = TestDatabases.fresh("ClusterFailoverIT");
    List<Node> nodes = Collections.synchronizedList(new ArrayList<>());
    List<SimulatedUps> devices = new ArrayList<>();
    // Should this JVM go down before the finally block runs, the nodes go with it.
    Thread reaper =
        new Thread(() -> List.copyOf(nodes).forEach(Node::kill), "cluster-failover-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    boolean passed = false;
    try {
      // --- three nodes, started together, joined through UPSFLEET_SEED_NODES
      int[][] ports = freePorts(NODES, 3); // per node: cluster, HTTP, MQTT
      String seeds =
          Stream.of(ports)
              .map(p -> "pekko://" + SYSTEM + "@127.0.0.1:" + p[0])
              .collect(Collectors.joining(","));
      for (int i = 0; i < NODES; i++) {
        nodes.add(
            Node.start(
                "node-" + (char) ('a' + i),
                work,
                db,
                seeds,
                ports[i][0],
                ports[i][1],
                ports[i][2]));
      }
      for (Node n : nodes) n.awaitReady(Duration.ofSeconds(150));
      log("3 nodes ready after %.1f s", seconds(testStart));
      Node oldest = nodes.get(0);
      Node victim = nodes.get(2);
      // Only the first seed node may form the cluster (join itself): it is the oldest member, where
      // the
      // singletons (watchdog, mail dispatcher, shard coordinators) run. The others joined it.
      assertThat(Files.readString(oldest.log)).contains("is JOINING itself");
      for (Node n : nodes.subList(1, NODES)) {
        assertThat(Files.readString(n.log))
            .as("log of %s", n.name)
            .contains("Welcome from [pekko://" + SYSTEM + "@")
            .doesNotContain("is JOINING itself");
      }

      // --- 30 devices registered through the API, ten connected to each node
      UpsfleetClient support = oldest.client();
      String account = support.createAccount("Failover Co").id();
      for (int i = 0; i < DEVICES; i++) {
        String serial = String.format("FO%010d", i + 1);
        DeviceRegistration reg = support.registerDevice(serial, "SMT1500C", account);
        // Blocks of ten per node: where a device connects is independent of where its entity lives.
        devices.add(
            new SimulatedUps(
                reg, nodes.stream().mapToInt(n -> n.mqttPort).toArray(), i * NODES / DEVICES));
      }
      devices.forEach(SimulatedUps::start);
      await("every device connected and sending")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> devices.stream().allMatch(d -> d.ackedEvents.size() >= 2));

      // One cluster: every node holds some of the device entities, and together each device exactly
      // once.
      await("the device entities spread over the three nodes")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                List<Integer> counts = entityCounts(nodes);
                assertThat(counts).as("device_entities per node").allMatch(c -> c > 0);
                assertThat(counts.stream().mapToInt(Integer::intValue).sum())
                    .as("device_entities summed")
                    .isEqualTo(DEVICES);
              });
      log(
          "before the kill: device_entities per node %s, %d events acknowledged",
          entityCounts(nodes), devices.stream().mapToInt(d -> d.ackedEvents.size()).sum());
      List<SimulatedUps> onVictim =
          devices.stream().filter(d -> d.port() == victim.mqttPort).toList();
      assertThat(onVictim).as("devices connected to the node to be killed").isNotEmpty();

      // --- kill -9 a node that is not the oldest
      Map<SimulatedUps, Long> seqAtKill = new LinkedHashMap<>();
      devices.forEach(d -> seqAtKill.put(d, d.seq.get()));
      long killNanos = System.nanoTime();
      victim.kill();
      devices.forEach(d -> d.note("kill -9 of " + victim.name));
      log("killed %s (pid %d) holding %d connections", victim.name, victim.pid, onVictim.size());
      List<Node> survivors = List.of(nodes.get(0), nodes.get(1));

      // --- every device served again: online, and a sample sent after the kill in its live view.
      // One poller
      // per device, every 500 ms, alternating between the two surviving nodes' APIs.
      List<UpsfleetClient> clients = List.of(survivors.get(0).client(), survivors.get(1).client());
      Map<SimulatedUps, Double> servedAfter = new ConcurrentHashMap<>();
      Set<SimulatedUps> entityUnreachable = ConcurrentHashMap.newKeySet();
      List<Integer> entitySums = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pollers = Executors.newFixedThreadPool(DEVICES + 1);
      try {
        for (int i = 0; i < DEVICES; i++) {
          SimulatedUps d = devices.get(i);
          int first = i;
          pollers.submit(
              () -> {
                for (int k = first;
                    !servedAfter.containsKey(d) && !Thread.currentThread().isInterrupted();
                    k++) {
                  try {
                    DeviceView v = clients.get(k % clients.size()).device(d.serial);
                    if (v.connection().online()
                        && v.telemetry() != null
                        && v.telemetry().seq() > seqAtKill.get(d)) {
                      servedAfter.put(d, (System.nanoTime() - killNanos) / 1e9);
                      return null;
                    }
                  } catch (UpsfleetClient.ApiError e) {
                    if (e.status() == 503)
                      entityUnreachable.add(
                          d); // its entity did not answer: it was on the dead node
                  } catch (RuntimeException e) {
                    // e.g. a connection reset: poll again
                  }
                  Thread.sleep(500);
                }
                return null;
              });
        }
        pollers.submit(
            () -> {
              while (servedAfter.size() < DEVICES) {
                try {
                  entitySums.add(
                      entityCounts(survivors).stream().mapToInt(Integer::intValue).sum());
                } catch (RuntimeException e) {
                  // a scrape that fails is evidence of nothing
                }
                Thread.sleep(1000);
              }
              return null;
            });
        await("every device served again")
            .atMost(SERVE_AGAIN_WITHIN)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> servedAfter.size() == DEVICES);
      } finally {
        pollers.shutdownNow();
      }
      double allServed =
          servedAfter.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
      log(
          "every device served again %.1f s after the kill -9 (reconnects: %d)",
          allServed, devices.stream().mapToInt(d -> d.connects.get() - 1).sum());
      log(
          "  connected to %s, entity elsewhere: %s",
          victim.name,
          servedTimes(
              onVictim.stream().filter(d -> !entityUnreachable.contains(d)).toList(), servedAfter));
      log(
          "  connected to %s, entity on it too: %s",
          victim.name,
          servedTimes(onVictim.stream().filter(entityUnreachable::contains).toList(), servedAfter));
      log(
          "  connected elsewhere, entity on %s: %s",
          victim.name,
          servedTimes(
              devices.stream()
                  .filter(d -> !onVictim.contains(d) && entityUnreachable.contains(d))
                  .toList(),
              servedAfter));
      log(
          "  connected elsewhere, entity elsewhere: %s",
          servedTimes(
              devices.stream()
                  .filter(d -> !onVictim.contains(d) && !entityUnreachable.contains(d))
                  .toList(),
              servedAfter));
      for (SimulatedUps d : devices) {
        if (servedAfter.get(d) > 30)
          log(
              "  %s served again after %.1f s:%n    %s",
              d.serial, servedAfter.get(d), String.join("\n    ", List.copyOf(d.history)));
      }

      // --- remote commands work on the new topology (about half of the entities live on another
      // node than
      // their device's connection: the command crosses nodes through the DeviceLink and the result
      // comes back)
      Map<SimulatedUps, String> commandIds = new LinkedHashMap<>();
      for (int i = 0; i < DEVICES; i++) {
        SimulatedUps d = devices.get(i);
        JsonNode accepted =
            JSON.readTree(
                survivors
                    .get(i % 2)
                    .api(
                        "POST",
                        "/api/v1/devices/" + d.serial + "/commands",
                        clients.get(i % 2).token(),
                        "{\"type\":\"SELF_TEST\"}",
                        202));
        commandIds.put(d, accepted.path("id").asText());
      }
      await("every self-test command succeeded")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                for (int i = 0; i < DEVICES; i++) {
                  SimulatedUps d = devices.get(i);
                  JsonNode c =
                      JSON.readTree(
                          survivors
                              .get((i + 1) % 2)
                              .api(
                                  "GET",
                                  "/api/v1/devices/" + d.serial + "/commands/" + commandIds.get(d),
                                  clients.get((i + 1) % 2).token(),
                                  null,
                                  200));
                  assertThat(c.path("status").asText())
                      .as("command of %s", d.serial)
                      .isEqualTo("SUCCEEDED");
                }
              });
      assertThat(devices)
          .allSatisfy(d -> assertThat(d.commandsReceived).contains(commandIds.get(d)));
      log("%d self-test commands delivered and succeeded after the failover", commandIds.size());

      // Let the devices send a little longer on the two nodes, then stop them cleanly.
      long ackedBefore = devices.stream().mapToInt(d -> d.ackedEvents.size()).sum();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  devices.stream().mapToInt(d -> d.ackedEvents.size()).sum()
                      >= ackedBefore + DEVICES);
      devices.forEach(SimulatedUps::stop);
      log(
          "first event acknowledged after the kill, per device (the device's view of being served again): %s",
          percentiles(devices.stream().mapToDouble(d -> d.firstAckAfter(killNanos)).toArray()));

      // --- no acknowledged event lost: each is in its device's event log
      UpsfleetClient reader = clients.get(0);
      await("every acknowledged event in the event log")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                for (SimulatedUps d : devices) {
                  Set<String> logged =
                      reader.events(d.serial, Map.of("size", "500")).items().stream()
                          .filter(e -> "SELF_TEST_PASSED".equals(e.type()))
                          .map(DeviceEventView::details)
                          .map(m -> m.get("n"))
                          .collect(Collectors.toSet());
                  assertThat(logged).as("event log of %s", d.serial).containsAll(d.ackedEvents);
                }
              });
      long acked = devices.stream().mapToInt(d -> d.ackedEvents.size()).sum();
      long ackedBeforeKill =
          devices.stream()
              .mapToLong(
                  d ->
                      d.ackedEvents.stream()
                          .filter(n -> Long.parseLong(n) <= seqAtKill.get(d))
                          .count())
              .sum();
      log(
          "0 of %d acknowledged events lost (%d acknowledged before the kill)",
          acked, ackedBeforeKill);

      // --- no UPS held twice: each device has one entity on the two nodes, and no journal write
      // conflicted
      await("device_entities of the survivors add up to the fleet")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(entityCounts(survivors).stream().mapToInt(Integer::intValue).sum())
                      .isEqualTo(DEVICES));
      for (Node n : survivors) log("%s: %s", n.name, n.metrics("mqtt_disconnects_total"));
      log(
          "after the kill: device_entities per surviving node %s (their sum sampled each second while failing over:"
              + " %s; the gauge lags up to 5 s)",
          entityCounts(survivors), entitySums);
      for (Node n : survivors) {
        String nodeLog = Files.readString(n.log);
        assertThat(nodeLog)
            .as("log of %s", n.name)
            .doesNotContain("duplicate key value violates unique constraint")
            .doesNotContain("Failed to persist event")
            .doesNotContain("Failed to serialize")
            .doesNotContain("Failed to deserialize")
            .doesNotContain("No configured serialization-bindings");
        assertThat(n.process.isAlive()).as("%s still running", n.name).isTrue();
      }
      assertThat(allServed)
          .as("seconds until every device was served again")
          .isLessThan(SERVE_AGAIN_WITHIN.toSeconds());
      passed = true;
      log("test took %.1f s", seconds(testStart));
    } finally {
      devices.forEach(SimulatedUps::stop);
      // Youngest first: two members leaving at once wait for each other.
      List<Node> toStop = new ArrayList<>(nodes);
      Collections.reverse(toStop);
      toStop.forEach(Node::stop);
      Runtime.getRuntime().removeShutdownHook(reaper);
      if (!passed) {
        for (Node n : List.copyOf(nodes))
          log("--- last lines of %s (%s):%n%s", n.name, n.log, n.tail(60));
      }
    }
  }

  private static String servedTimes(
      List<SimulatedUps> group, Map<SimulatedUps, Double> servedAfter) {
    return group.size()
        + " devices, served again after "
        + percentiles(group.stream().mapToDouble(servedAfter::get).toArray());
  }

  private static String percentiles(double[] seconds) {
    if (seconds.length == 0) return "-";
    double[] s = seconds.clone();
    Arrays.sort(s);
    return String.format(
        "min %.1f s, median %.1f s, max %.1f s", s[0], s[s.length / 2], s[s.length - 1]);
  }

  private static List<Integer> entityCounts(List<Node> nodes) {
    return nodes.stream().map(Node::deviceEntities).toList();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void log(String format, Object... args) {
    System.out.printf("[ClusterFailoverIT] " + format + "%n", args);
  }

  /**
   * {@code count} groups of {@code each} distinct free ports (all held open while choosing), below
   * the kernel's ephemeral range: a client that retries the port of the killed node must get
   * "connection refused", never a TCP self-connect to an ephemeral source port that happens to
   * equal it (it would wait for a CONNACK from itself), and no other process is handed these ports
   * in the meantime.
   */
  private static int[][] freePorts(int count, int each) throws IOException {
    int ephemeralLow = 32768;
    try {
      ephemeralLow =
          Integer.parseInt(
              Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                  .trim()
                  .split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the usual default
    }
    int from = 10_000;
    int to = Math.max(from + 1000, ephemeralLow);
    Random random = new Random();
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[][] ports = new int[count][each];
      for (int i = 0; i < count; i++) {
        for (int j = 0; j < each; j++) {
          for (int attempt = 0; ; attempt++) {
            int candidate = from + random.nextInt(to - from);
            try {
              ServerSocket s = new ServerSocket();
              s.bind(new InetSocketAddress("127.0.0.1", candidate));
              held.add(s);
              ports[i][j] = candidate;
              break;
            } catch (IOException inUse) {
              if (attempt > 1000) throw inUse;
            }
          }
        }
      }
      return ports;
    } finally {
      for (ServerSocket s : held) s.close();
    }
  }

  /**
   * One gateway node: {@code Main node} in a child JVM on the test class path, its output in a log
   * file.
   */
  private static final class Node {
    final String name;
    final int httpPort;
    final int mqttPort;
    final Path log;
    final Process process;
    final long pid;

    private Node(String name, int httpPort, int mqttPort, Path log, Process process) {
      this.name = name;
      this.httpPort = httpPort;
      this.mqttPort = mqttPort;
      this.log = log;
      this.process = process;
      this.pid = process.pid();
    }

    static Node start(
        String name,
        Path work,
        DatabaseSettings db,
        String seeds,
        int clusterPort,
        int httpPort,
        int mqttPort)
        throws IOException {
      Path data = Files.createDirectories(work.resolve(name));
      Path log = work.resolve(name + ".log");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd =
          List.of(
              java,
              "-Xms64m",
              "-Xmx384m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              // the production logging configuration (cluster membership at INFO), not the tests'
              "-Dlogback.configurationFile=logback.xml",
              "-Dupsfleet.accounts.password-iterations=1000",
              "-Dupsfleet.gateway.mqtt.worker-threads=1",
              "-Dupsfleet.gateway.mqtt.refusal-delay=100ms",
              "-cp",
              System.getProperty("java.class.path"),
              Main.class.getName(),
              "node");
      ProcessBuilder pb = new ProcessBuilder(cmd);
      Map<String, String> env = pb.environment();
      env.put("UPSFLEET_DB_URL", db.url());
      env.put("UPSFLEET_DB_USER", db.user());
      env.put("UPSFLEET_DB_PASSWORD", db.password());
      env.put("UPSFLEET_DB_POOL_SIZE", "3");
      env.put("UPSFLEET_DATA_DIR", data.toString());
      env.put("UPSFLEET_HTTP_HOST", "127.0.0.1");
      env.put("UPSFLEET_HTTP_PORT", Integer.toString(httpPort));
      env.put("UPSFLEET_MQTT_HOST", "127.0.0.1");
      env.put("UPSFLEET_MQTT_PORT", Integer.toString(mqttPort));
      env.put("UPSFLEET_CLUSTER_HOST", "127.0.0.1");
      env.put("UPSFLEET_CLUSTER_PORT", Integer.toString(clusterPort));
      env.put("UPSFLEET_SEED_NODES", seeds);
      env.put("UPSFLEET_BOOTSTRAP_USER", "support");
      env.put("UPSFLEET_BOOTSTRAP_PASSWORD", PASSWORD);
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      return new Node(name, httpPort, mqttPort, log, pb.start());
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + httpPort);
    }

    UpsfleetClient client() {
      UpsfleetClient c = new UpsfleetClient(url());
      c.signIn("support", PASSWORD);
      return c;
    }

    void awaitReady(Duration timeout) throws InterruptedException {
      HttpRequest ready =
          HttpRequest.newBuilder(url().resolve("/health/ready"))
              .timeout(Duration.ofSeconds(3))
              .build();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + ":\n" + tail(40));
        }
        try {
          if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
        } catch (IOException e) {
          // not listening yet
        }
        // An external process's HTTP endpoint: there is nothing to wait on but time.
        process.waitFor(300, TimeUnit.MILLISECONDS);
      }
      throw new IllegalStateException(name + " was not ready within " + timeout + ":\n" + tail(40));
    }

    /** A raw API call; returns the body, failing unless the status is {@code expected}. */
    String api(String method, String path, String token, String json, int expected)
        throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(url().resolve(path))
              .timeout(Duration.ofSeconds(15))
              .header("Authorization", "Bearer " + token);
      if (json != null) {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new AssertionError(
            method + " " + path + " on " + name + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return r.body();
    }

    /** The non-zero samples of one metric, e.g. {@code reason="PERSIST_FAILED"}=3. */
    String metrics(String name) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(url().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body()
            .lines()
            .filter(l -> l.startsWith(name + "{") && !l.endsWith(" 0.0"))
            .map(l -> l.substring(name.length()))
            .collect(Collectors.joining(" "));
      } catch (IOException | InterruptedException e) {
        return "(" + e + ")";
      }
    }

    /** This node's {@code device_entities} gauge. */
    int deviceEntities() {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(url().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = ENTITIES.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
          throw new IllegalStateException(
              name + " /metrics has no device_entities: HTTP " + r.statusCode());
        }
        return (int) Double.parseDouble(m.group(1));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no leaving the cluster. */
    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** SIGTERM, then SIGKILL when the node has not stopped within a few seconds. */
    void stop() {
      if (!process.isAlive()) return;
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
      }
    }

    String tail(int lines) {
      try {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }

  /**
   * A UPS behind a TCP load balancer: one thread that keeps a connection to one of the nodes and
   * sends a sample every 500 ms and a device event (QoS 1) every second. When its connection dies
   * it reconnects to the next node that accepts it, and re-sends an event whose PUBACK it did not
   * get (same seq, type and time: the gateway stores it once). An event counts as acknowledged once
   * its PUBACK arrived.
   */
  private static final class SimulatedUps implements Runnable {
    final String serial;
    final String secret;
    final int[] ports;
    final AtomicLong seq = new AtomicLong();
    final AtomicInteger connects = new AtomicInteger();
    final Set<String> ackedEvents = ConcurrentHashMap.newKeySet();
    final Set<String> commandsReceived = ConcurrentHashMap.newKeySet();

    /** What happened to this device's connections, for the log of a slow run. */
    final List<String> history = Collections.synchronizedList(new ArrayList<>());

    private final List<Long> ackNanos = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int portIndex;
    private volatile int connectedPort = -1;
    private Mqtt3AsyncClient client;
    private byte[] unacknowledged;
    private String unacknowledgedId;

    SimulatedUps(DeviceRegistration reg, int[] ports, int firstNode) {
      this.serial = reg.serial();
      this.secret = reg.secret();
      this.ports = ports;
      this.portIndex = firstNode;
      this.thread = new Thread(this, "ups-" + serial);
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    /**
     * Seconds from {@code since} to the first event PUBACK after it (its entity persisted an
     * event), or NaN.
     */
    double firstAckAfter(long since) {
      synchronized (ackNanos) {
        return ackNanos.stream()
            .filter(t -> t > since)
            .findFirst()
            .map(t -> (t - since) / 1e9)
            .orElse(Double.NaN);
      }
    }

    /** The MQTT port of the node it is connected to, or -1. */
    int port() {
      return connectedPort;
    }

    void stop() {
      running = false;
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      disconnect();
    }

    @Override
    public void run() {
      long tick = 0;
      while (running) {
        try {
          if (client == null) connect();
          publish("telemetry", telemetry());
          if (unacknowledged == null && tick % 2 == 0) {
            long n = seq.incrementAndGet();
            unacknowledgedId = Long.toString(n);
            unacknowledged =
                ("{\"ts\":\""
                        + Instant.now()
                        + "\",\"seq\":"
                        + n
                        + ",\"type\":\"SELF_TEST_PASSED\",\"details\":{\"n\":\""
                        + n
                        + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
          }
          if (unacknowledged != null) {
            publish("events", unacknowledged);
            ackedEvents.add(unacknowledgedId);
            ackNanos.add(System.nanoTime());
            unacknowledged = null;
          }
          tick++;
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // The connection died, was refused (0x03 while the device's entity moves) or a PUBACK did
          // not
          // come: drop it and try the next node.
          note("port " + ports[portIndex] + ": " + e);
          disconnect();
          portIndex = (portIndex + 1) % ports.length;
          try {
            Thread.sleep(300);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }

    private byte[] telemetry() {
      long n = seq.incrementAndGet();
      return ("{\"ts\":\""
              + Instant.now()
              + "\",\"seq\":"
              + n
              + ",\"ups.status\":\"OL CHRG\",\"ups.load\":"
              + (20 + n % 30)
              + ",\"battery.charge\":100,\"battery.runtime\":3600}")
          .getBytes(StandardCharsets.UTF_8);
    }

    void note(String what) {
      history.add(LocalTime.now() + " " + what);
    }

    private void connect() throws Exception {
      int port = ports[portIndex];
      note("connecting to port " + port);
      Mqtt3AsyncClient c =
          Mqtt3Client.builder()
              .identifier(serial)
              .serverHost("127.0.0.1")
              .serverPort(port)
              .transportConfig()
              .socketConnectTimeout(2, TimeUnit.SECONDS)
              .mqttConnectTimeout(10, TimeUnit.SECONDS)
              .applyTransportConfig()
              .simpleAuth()
              .username(serial)
              .password(secret.getBytes(StandardCharsets.UTF_8))
              .applySimpleAuth()
              .buildAsync();
      client = c;
      c.connectWith().keepAlive(30).send().get(15, TimeUnit.SECONDS);
      c.subscribeWith()
          .topicFilter("ups/" + serial + "/commands")
          .qos(MqttQos.AT_LEAST_ONCE)
          .callback(p -> answer(c, p.getPayloadAsBytes()))
          .send()
          .get(10, TimeUnit.SECONDS);
      connectedPort = port;
      connects.incrementAndGet();
      note("connected and subscribed");
    }

    /**
     * Runs a command (a self-test that passes at once) and reports the result. A command received
     * again (re-sent after a reconnect) is reported again: the first report may have been lost with
     * the connection.
     */
    private void answer(Mqtt3AsyncClient c, byte[] command) {
      try {
        String id = JSON.readTree(command).path("id").asText();
        commandsReceived.add(id);
        byte[] result =
            ("{\"ts\":\""
                    + Instant.now()
                    + "\",\"seq\":"
                    + seq.incrementAndGet()
                    + ",\"id\":\""
                    + id
                    + "\",\"status\":\"SUCCEEDED\",\"result\":\"passed\"}")
                .getBytes(StandardCharsets.UTF_8);
        c.publishWith()
            .topic("ups/" + serial + "/commands/result")
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload(result)
            .send();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void publish(String kind, byte[] payload) throws Exception {
      client
          .publishWith()
          .topic("ups/" + serial + "/" + kind)
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(payload)
          .send()
          .get(15, TimeUnit.SECONDS);
    }

    private void disconnect() {
      Mqtt3AsyncClient c = client;
      client = null;
      connectedPort = -1;
      if (c != null) {
        try {
          c.disconnect().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
          // already gone
        }
      }
    }
  }
}
