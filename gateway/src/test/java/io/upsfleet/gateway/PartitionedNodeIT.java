package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.gateway.testing.FreePorts;
import io.upsfleet.gateway.testing.NodeProcess;
import io.upsfleet.gateway.testing.SimulatedUps;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.testing.TcpProxy;
import io.upsfleet.persistence.testing.TestDatabases;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RELIABILITY.md "downed node": three gateway node processes ({@code Main node}, as in {@link
 * ClusterFailoverIT}) form a cluster whose Artery traffic crosses {@link TcpProxy proxies}: each
 * node binds its real port and advertises a proxy's port under a host name of its own ({@code
 * upsfleet-node-a}…), which every node resolves through a hosts file of its own ({@code
 * jdk.net.hosts.file}). A and B find every node on 127.0.0.1; C finds A and B on 127.0.0.2. So the
 * proxy of C on 127.0.0.1 carries everything sent to C, and the proxies of A and B on 127.0.0.2
 * everything C sends. Cutting those three is a clean partition, both ways: heartbeats fail both
 * ways, no observation of C's reaches A or B (a one-way cut would let C's gossip "A and B are
 * unreachable" reach them, and the resolver would rightly down them too, as indirectly connected),
 * and the split-brain resolver (keep-majority, {@code stable-after} lowered to {@value
 * #STABLE_AFTER} for the test) downs C on both sides. Then C, which still reaches the database and
 * its devices, closes its MQTT and HTTP listeners and every device connection, says so at ERROR and
 * exits with a non-zero status; its devices reconnect to A or B and are served there (online, newer
 * samples in their live view); A and B keep serving; and every device has one entity, on A or B.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PartitionedNodeIT {
  private static final int NODES = 3;
  private static final int DEVICES = 6;
  private static final String STABLE_AFTER = "2s";
  private static final String SYSTEM = "upsfleet";

  @Test
  void aNodeCutOffFromTheOthersIsDownedClosesItsListenersAndExitsAndItsDevicesMove()
      throws Exception {
    long testStart = System.nanoTime();
    Path work =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "partitioned-node-");
    DatabaseSettings db = TestDatabases.fresh("PartitionedNodeIT");
    List<NodeProcess> nodes = Collections.synchronizedList(new ArrayList<>());
    List<TcpProxy> proxies = new ArrayList<>();
    List<SimulatedUps> devices = new ArrayList<>();
    Thread reaper =
        new Thread(() -> List.copyOf(nodes).forEach(NodeProcess::kill), "partitioned-node-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    boolean passed = false;
    try {
      // --- three nodes: per node the real Artery port, the advertised (proxy) port, HTTP, MQTT
      int[][] ports = FreePorts.freePorts(NODES, 4);
      InetAddress viaMajority = InetAddress.getByName("127.0.0.1");
      InetAddress fromC = InetAddress.getByName("127.0.0.2");
      List<TcpProxy> cutting = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        int[] p = ports[i];
        TcpProxy in = TcpProxy.start(viaMajority, p[1], "127.0.0.1", p[0]);
        proxies.add(in);
        if (i == NODES - 1) {
          cutting.add(in); // everything sent to C
        } else {
          TcpProxy outOfC = TcpProxy.start(fromC, p[1], "127.0.0.1", p[0]);
          proxies.add(outOfC);
          cutting.add(outOfC); // everything C sends to this node
        }
      }
      String seeds =
          IntStream.range(0, NODES)
              .mapToObj(i -> "pekko://" + SYSTEM + "@" + hostName(i) + ":" + ports[i][1])
              .collect(Collectors.joining(","));
      for (int i = 0; i < NODES; i++) {
        nodes.add(
            NodeProcess.start(
                "node-" + (char) ('a' + i),
                work,
                db,
                seeds,
                ports[i][1],
                ports[i][2],
                ports[i][3],
                List.of(
                    "-Djdk.net.hosts.file=" + hostsFile(work, i),
                    "-Dpekko.remote.artery.canonical.hostname=" + hostName(i),
                    "-Dpekko.remote.artery.bind.hostname=127.0.0.1",
                    "-Dpekko.remote.artery.bind.port=" + ports[i][0],
                    "-Dpekko.cluster.split-brain-resolver.stable-after=" + STABLE_AFTER)));
      }
      for (NodeProcess n : nodes) n.awaitReady(Duration.ofSeconds(150));
      log("3 nodes ready after %.1f s", seconds(testStart));
      NodeProcess c = nodes.get(2);
      List<NodeProcess> majority = List.of(nodes.get(0), nodes.get(1));

      // --- devices spread over the three MQTT listeners, sending telemetry and events (QoS 1)
      UpsfleetClient support = nodes.get(0).client();
      String account = support.createAccount("Partition Co").id();
      for (int i = 0; i < DEVICES; i++) {
        DeviceRegistration reg =
            support.registerDevice(String.format("PN%010d", i + 1), "SMT1500C", account);
        devices.add(
            new SimulatedUps(
                reg, nodes.stream().mapToInt(n -> n.mqttPort).toArray(), i * NODES / DEVICES));
      }
      devices.forEach(SimulatedUps::start);
      await("every device connected and sending")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> devices.stream().allMatch(d -> d.ackedEvents.size() >= 1));
      List<SimulatedUps> onC = devices.stream().filter(d -> d.port() == c.mqttPort).toList();
      assertThat(onC).as("devices connected to node C").isNotEmpty();
      log(
          "%d devices sending (%d on C) after %.1f s; device_entities per node %s",
          DEVICES, onC.size(), seconds(testStart), entityCounts(nodes));

      // --- partition: nothing reaches C any more
      Map<SimulatedUps, Long> seqAtCut = new LinkedHashMap<>();
      devices.forEach(d -> seqAtCut.put(d, d.seq.get()));
      long cutNanos = System.nanoTime();
      cutting.forEach(TcpProxy::cut);
      devices.forEach(d -> d.note("partition of " + c.name));

      // C downs itself, closes its listeners and device connections, and exits: not 0.
      assertThat(c.process.waitFor(90, TimeUnit.SECONDS))
          .as("%s exited after the partition", c.name)
          .isTrue();
      log(
          "%s exited with %d %.1f s after the cut",
          c.name, c.process.exitValue(), seconds(cutNanos));
      assertThat(c.process.exitValue()).as("exit status of %s", c.name).isNotZero();
      assertThat(Files.readString(c.log))
          .as("log of %s", c.name)
          .containsPattern(
              "ERROR .*this node was downed .*closing the MQTT listener and its \\d+ device"
                  + " connections and the HTTP API");
      assertThat(accepts(c.mqttPort)).as("%s MQTT port accepts", c.name).isFalse();
      assertThat(accepts(c.httpPort)).as("%s HTTP port accepts", c.name).isFalse();
      // The partition was clean: the majority's resolver downed C alone, as unreachable.
      String majorityLogs = Files.readString(nodes.get(0).log) + Files.readString(nodes.get(1).log);
      assertThat(majorityLogs)
          .as("logs of A and B")
          .contains(
              "SBR took decision DownUnreachable and is downing [pekko://upsfleet@" + hostName(2))
          .doesNotContain("indirectly connected");

      // --- every device served by A or B: connected there, online, and a sample sent after the cut
      List<UpsfleetClient> clients = List.of(majority.get(0).client(), majority.get(1).client());
      await("every device served by the majority")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                for (int i = 0; i < DEVICES; i++) {
                  SimulatedUps d = devices.get(i);
                  assertThat(d.port())
                      .as("MQTT port of %s", d.serial)
                      .isIn(majority.get(0).mqttPort, majority.get(1).mqttPort);
                  DeviceView v = clients.get(i % 2).device(d.serial);
                  assertThat(v.connection().online()).as("%s online", d.serial).isTrue();
                  assertThat(v.telemetry()).as("%s telemetry", d.serial).isNotNull();
                  assertThat(v.telemetry().seq())
                      .as("%s newest sample", d.serial)
                      .isGreaterThan(seqAtCut.get(d));
                }
              });
      log(
          "every device served by A or B %.1f s after the cut (reconnects: %d)",
          seconds(cutNanos), devices.stream().mapToInt(d -> d.connects.get() - 1).sum());

      // --- one incarnation per device, on the majority: their entities add up to the fleet
      await("device_entities of A and B add up to the fleet")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(entityCounts(majority).stream().mapToInt(Integer::intValue).sum())
                      .isEqualTo(DEVICES));
      for (NodeProcess n : nodes) {
        assertThat(Files.readString(n.log))
            .as("log of %s", n.name)
            .doesNotContain("duplicate key value violates unique constraint")
            .doesNotContain("Failed to persist event");
      }
      for (NodeProcess n : majority) {
        assertThat(n.process.isAlive()).as("%s still running", n.name).isTrue();
        n.awaitReady(Duration.ofSeconds(10));
      }
      passed = true;
      log("test took %.1f s", seconds(testStart));
    } finally {
      devices.forEach(SimulatedUps::stop);
      List<NodeProcess> toStop = new ArrayList<>(nodes);
      Collections.reverse(toStop);
      toStop.forEach(NodeProcess::stop);
      proxies.forEach(TcpProxy::close);
      Runtime.getRuntime().removeShutdownHook(reaper);
      if (!passed) {
        for (NodeProcess n : List.copyOf(nodes))
          log("--- last lines of %s (%s):%n%s", n.name, n.log, n.tail(60));
        for (SimulatedUps d : devices)
          log("%s:%n    %s", d.serial, String.join("\n    ", List.copyOf(d.history)));
      }
    }
  }

  /** The canonical host name of node {@code i}: resolved by each node's own hosts file. */
  private static String hostName(int i) {
    return "upsfleet-node-" + (char) ('a' + i);
  }

  /**
   * The hosts file of node {@code i}: the last node (C) finds the others on 127.0.0.2, behind the
   * proxies that carry only its traffic; every other node finds every node on 127.0.0.1. The local
   * names resolve as usual (a JVM with {@code jdk.net.hosts.file} asks nothing else).
   */
  private static Path hostsFile(Path work, int i) throws IOException {
    StringBuilder hosts = new StringBuilder("127.0.0.1 localhost");
    try {
      hosts.append(' ').append(InetAddress.getLocalHost().getHostName());
    } catch (IOException unresolved) {
      // no name of its own to add
    }
    for (int n = 0; n < NODES; n++) {
      if (i != NODES - 1 || n == i) hosts.append(' ').append(hostName(n));
    }
    hosts.append('\n');
    if (i == NODES - 1) {
      hosts.append("127.0.0.2");
      for (int n = 0; n < NODES - 1; n++) hosts.append(' ').append(hostName(n));
      hosts.append('\n');
    }
    return Files.writeString(work.resolve("hosts-" + hostName(i)), hosts);
  }

  private static List<Integer> entityCounts(List<NodeProcess> nodes) {
    return nodes.stream().map(NodeProcess::deviceEntities).toList();
  }

  /** Whether a TCP connection to the port on 127.0.0.1 is accepted. */
  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void log(String format, Object... args) {
    System.out.printf("[PartitionedNodeIT] " + format + "%n", args);
  }
}
