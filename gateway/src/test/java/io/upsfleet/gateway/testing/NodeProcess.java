package io.upsfleet.gateway.testing;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.Main;
import io.upsfleet.gateway.tls.LocalCa;
import io.upsfleet.persistence.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One gateway node: {@code Main node} in a child JVM on the test class path, its output in a log
 * file.
 */
public final class NodeProcess {
  /** Password of the support user every node process creates at start. */
  public static final String PASSWORD = "support-failover-password";

  private static final HttpClient HTTP =
      ContractHttpClient.checked(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
  private static final Pattern ENTITIES =
      Pattern.compile("(?m)^device_entities(?:\\{[^}]*})?\\s+([0-9.eE+-]+)\\s*$");

  public final String name;
  public final int httpPort;
  public final int mqttPort;
  public final Path log;
  public final Process process;
  public final long pid;

  private NodeProcess(String name, int httpPort, int mqttPort, Path log, Process process) {
    this.name = name;
    this.httpPort = httpPort;
    this.mqttPort = mqttPort;
    this.log = log;
    this.process = process;
    this.pid = process.pid();
  }

  /**
   * Starts {@code Main node} in a child JVM; see {@link #start(String, Path, DatabaseSettings,
   * String, int, int, int, List)}.
   */
  public static NodeProcess start(
      String name,
      Path work,
      DatabaseSettings db,
      String seeds,
      int clusterPort,
      int httpPort,
      int mqttPort)
      throws IOException {
    return start(name, work, db, seeds, clusterPort, httpPort, mqttPort, List.of());
  }

  /**
   * Starts {@code Main node} in a child JVM: its data under {@code work/name}, its output in {@code
   * work/name.log}, {@code clusterPort} its canonical Artery port, {@code jvmOptions} (e.g. {@code
   * -Dkey=value} settings) after the usual ones.
   */
  public static NodeProcess start(
      String name,
      Path work,
      DatabaseSettings db,
      String seeds,
      int clusterPort,
      int httpPort,
      int mqttPort,
      List<String> jvmOptions)
      throws IOException {
    return start(name, work, null, db, seeds, clusterPort, httpPort, mqttPort, jvmOptions);
  }

  /**
   * As {@link #start(String, Path, DatabaseSettings, String, int, int, int, List)}, the node's
   * cluster certificate issued by the authority in {@code clusterCa} (made there if absent), for
   * mutual TLS between the nodes; null: plain TCP ({@code UPSFLEET_CLUSTER_PLAIN}), which the other
   * overloads use (the multi-node tests that are not about TLS).
   */
  public static NodeProcess start(
      String name,
      Path work,
      Path clusterCa,
      DatabaseSettings db,
      String seeds,
      int clusterPort,
      int httpPort,
      int mqttPort,
      List<String> jvmOptions)
      throws IOException {
    Path data = Files.createDirectories(work.resolve(name));
    Path log = work.resolve(name + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
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
            "-Dupsfleet.gateway.mqtt.refusal-delay=100ms"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "node"));
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
    // A production node needs a certificate; these tests speak plain MQTT and HTTP beside it.
    LocalCa ca = LocalCa.openOrCreate(data.resolve("tls"));
    env.put("UPSFLEET_TLS_CERT", ca.serverCertFile().toString());
    env.put("UPSFLEET_TLS_KEY", ca.serverKeyFile().toString());
    env.put("UPSFLEET_MQTT_TLS_PORT", "0");
    env.put("UPSFLEET_HTTPS_PORT", "0");
    env.put("UPSFLEET_MQTT_PLAIN", "true");
    if (clusterCa == null) {
      env.put("UPSFLEET_CLUSTER_PLAIN", "true");
    } else {
      LocalCa cluster = LocalCa.openOrCreate(clusterCa);
      Path clusterCert = data.resolve("cluster.pem");
      Path clusterKey = data.resolve("cluster-key.pem");
      cluster.issueClusterNode(name, clusterCert, clusterKey);
      env.put("UPSFLEET_CLUSTER_TLS_CERT", clusterCert.toString());
      env.put("UPSFLEET_CLUSTER_TLS_KEY", clusterKey.toString());
      env.put("UPSFLEET_CLUSTER_TLS_CA", cluster.caFile().toString());
    }
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new NodeProcess(name, httpPort, mqttPort, log, pb.start());
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  public UpsfleetClient client() {
    UpsfleetClient c = new UpsfleetClient(url(), ContractHttpClient.newClient());
    c.signIn("support", PASSWORD);
    return c;
  }

  public void awaitReady(Duration timeout) throws InterruptedException {
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
  public String api(String method, String path, String token, String json, int expected)
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
  public String metrics(String name) {
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
  public int deviceEntities() {
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
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, then SIGKILL when the node has not stopped within a few seconds. */
  public void stop() {
    if (!process.isAlive()) return;
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
