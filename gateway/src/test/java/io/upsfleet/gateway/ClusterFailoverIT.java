package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceEventView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.gateway.testing.FreePorts;
import io.upsfleet.gateway.testing.NodeProcess;
import io.upsfleet.gateway.testing.SimulatedUps;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
  private static final String SYSTEM = "upsfleet";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void threeNodesFormOneClusterAndServeEveryDeviceAgainAfterTheKillOfOne() throws Exception {
    long testStart = System.nanoTime();
    Path work =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cluster-failover-");
    DatabaseSettings db = TestDatabases.fresh("ClusterFailoverIT");
    List<NodeProcess> nodes = Collections.synchronizedList(new ArrayList<>());
    List<SimulatedUps> devices = new ArrayList<>();
    // Should this JVM go down before the finally block runs, the nodes go with it.
    Thread reaper =
        new Thread(() -> List.copyOf(nodes).forEach(NodeProcess::kill), "cluster-failover-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    boolean passed = false;
    try {
      // --- three nodes, started together, joined through UPSFLEET_SEED_NODES
      int[][] ports = FreePorts.freePorts(NODES, 3); // per node: cluster, HTTP, MQTT
      String seeds =
          Stream.of(ports)
              .map(p -> "pekko://" + SYSTEM + "@127.0.0.1:" + p[0])
              .collect(Collectors.joining(","));
      for (int i = 0; i < NODES; i++) {
        nodes.add(
            NodeProcess.start(
                "node-" + (char) ('a' + i),
                work,
                db,
                seeds,
                ports[i][0],
                ports[i][1],
                ports[i][2]));
      }
      for (NodeProcess n : nodes) n.awaitReady(Duration.ofSeconds(150));
      log("3 nodes ready after %.1f s", seconds(testStart));
      NodeProcess oldest = nodes.get(0);
      NodeProcess victim = nodes.get(2);
      // Only the first seed node may form the cluster (join itself): it is the oldest member, where
      // the
      // singletons (watchdog, mail dispatcher, shard coordinators) run. The others joined it.
      assertThat(Files.readString(oldest.log)).contains("is JOINING itself");
      for (NodeProcess n : nodes.subList(1, NODES)) {
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
      List<NodeProcess> survivors = List.of(nodes.get(0), nodes.get(1));

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
      for (NodeProcess n : survivors) log("%s: %s", n.name, n.metrics("mqtt_disconnects_total"));
      log(
          "after the kill: device_entities per surviving node %s (their sum sampled each second while failing over:"
              + " %s; the gauge lags up to 5 s)",
          entityCounts(survivors), entitySums);
      for (NodeProcess n : survivors) {
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
      List<NodeProcess> toStop = new ArrayList<>(nodes);
      Collections.reverse(toStop);
      toStop.forEach(NodeProcess::stop);
      Runtime.getRuntime().removeShutdownHook(reaper);
      if (!passed) {
        for (NodeProcess n : List.copyOf(nodes))
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

  private static List<Integer> entityCounts(List<NodeProcess> nodes) {
    return nodes.stream().map(NodeProcess::deviceEntities).toList();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void log(String format, Object... args) {
    System.out.printf("[ClusterFailoverIT] " + format + "%n", args);
  }
}
