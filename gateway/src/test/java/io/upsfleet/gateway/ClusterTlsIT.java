package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.FreePorts;
import io.upsfleet.gateway.testing.NodeProcess;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.testing.TestDatabases;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes talk over mutual TLS: a node with a certificate of the cluster's authority joins; a rogue
 * process with a self-made certificate (same subject names, another authority) that knows the seed
 * node's address can neither join nor get a message through; and a production node refuses to start
 * without certificates.
 */
class ClusterTlsIT {
  private static final String SYSTEM = "upsfleet";

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void onlyNodesOfTheClustersAuthorityJoin() throws Exception {
    Path work =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cluster-tls-");
    DatabaseSettings db = TestDatabases.fresh("ClusterTlsIT");
    List<NodeProcess> nodes = new ArrayList<>();
    try {
      int[][] ports = FreePorts.freePorts(3, 3);
      String seed = "pekko://" + SYSTEM + "@127.0.0.1:" + ports[0][0];
      NodeProcess first =
          NodeProcess.start(
              "node-a",
              work,
              work.resolve("cluster-ca"),
              db,
              seed,
              ports[0][0],
              ports[0][1],
              ports[0][2],
              List.of());
      nodes.add(first);
      first.awaitReady(Duration.ofSeconds(120));
      NodeProcess second =
          NodeProcess.start(
              "node-b",
              work,
              work.resolve("cluster-ca"),
              db,
              seed,
              ports[1][0],
              ports[1][1],
              ports[1][2],
              List.of());
      nodes.add(second);
      second.awaitReady(Duration.ofSeconds(120));
      assertThat(Files.readString(second.log)).contains("Welcome from [pekko://" + SYSTEM + "@");

      // Same subject names, same seed, but its certificate comes from an authority of its own.
      NodeProcess rogue =
          NodeProcess.start(
              "rogue",
              work,
              work.resolve("rogue-ca"),
              db,
              seed,
              ports[2][0],
              ports[2][1],
              ports[2][2],
              List.of());
      nodes.add(rogue);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> Files.readString(rogue.log).contains("HTTP API listening"));
      await()
          .during(Duration.ofSeconds(25))
          .atMost(Duration.ofSeconds(40))
          .until(() -> !ready(rogue) && !Files.readString(rogue.log).contains("Welcome from"));
      assertThat(Files.readString(rogue.log))
          .as("the rogue's handshakes with the seed node fail on its certificate")
          .contains("SSLHandshakeException");
    } finally {
      nodes.forEach(NodeProcess::kill);
    }
  }

  @Test
  void aProductionNodeRefusesToStartWithoutCertificates() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "node");
    pb.environment().put("UPSFLEET_DB_URL", "jdbc:postgresql://127.0.0.1:1/none");
    pb.environment().remove("UPSFLEET_TLS_CERT");
    pb.environment().remove("UPSFLEET_TLS_KEY");
    pb.environment().remove("UPSFLEET_CLUSTER_PLAIN");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(output).contains("UPSFLEET_TLS_CERT").contains("UPSFLEET_TLS_KEY");
  }

  private static boolean ready(NodeProcess node) {
    try {
      HttpResponse<Void> r =
          ContractHttpClient.checked(HttpClient.newHttpClient())
              .send(
                  HttpRequest.newBuilder(URI.create(node.url() + "/health/ready"))
                      .timeout(Duration.ofSeconds(3))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
