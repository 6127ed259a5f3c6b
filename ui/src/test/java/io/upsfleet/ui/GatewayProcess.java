package io.upsfleet.ui;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real gateway (`upsfleet-gateway.jar demo`: embedded PostgreSQL, one node) as a child process
 * for the browser tests, on free ports and a fresh data directory. {@link #close()} stops it and
 * everything it started (PostgreSQL), forcibly when it does not stop in time.
 */
final class GatewayProcess implements AutoCloseable {
  static final String PASSWORD = "support-it-password";
  private static final Path JAR = Path.of("../gateway/target/upsfleet-gateway.jar");

  final int httpPort;
  final int mqttPort;
  final Path log;
  private final Process process;
  private final Path dataDir;

  private GatewayProcess(Process process, int httpPort, int mqttPort, Path log, Path dataDir) {
    this.process = process;
    this.dataDir = dataDir;
    this.httpPort = httpPort;
    this.mqttPort = mqttPort;
    this.log = log;
  }

  /** The gateway's data directory (its mail sink is {@code mail/} in it). */
  Path dataDir() {
    return dataDir;
  }

  /**
   * The code of an invitation mail to {@code email} (issue 12's preferred reseller) in the mail
   * sink, if one has arrived.
   */
  Optional<String> invitationCode(String email) {
    Path mail = dataDir.resolve("mail");
    if (!Files.isDirectory(mail)) return Optional.empty();
    Pattern code = Pattern.compile("code=([A-Za-z0-9-]+)");
    try (var files = Files.walk(mail)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f, StandardCharsets.ISO_8859_1).replace("=\r\n", "");
        Matcher m = code.matcher(text);
        if (text.contains(email) && text.contains("preferred reseller") && m.find()) {
          return Optional.of(m.group(1));
        }
      }
    } catch (IOException e) {
      return Optional.empty(); // a mail being written: look again
    }
    return Optional.empty();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** Starts the gateway and waits (bounded) until {@code /health/ready} answers 200. */
  static GatewayProcess start(Path workDir, Duration readyTimeout)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          "The browser tests need the gateway jar at "
              + JAR.toAbsolutePath().normalize()
              + ". Build it first: ./mvnw -B install -DskipTests -pl api,persistence,cluster,gateway "
              + "(a reactor build of the whole project builds it before ui).");
    }
    // A private copy, so that a rebuild of the gateway during the test cannot pull classes out from
    // under it.
    Path copy = workDir.resolve("gateway");
    Files.createDirectories(copy.resolve("lib"));
    Files.copy(JAR, copy.resolve(JAR.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    try (Stream<Path> libs = Files.list(JAR.resolveSibling("lib"))) {
      for (Path p : (Iterable<Path>) libs::iterator) {
        Files.copy(
            p, copy.resolve("lib").resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    int http = freePort();
    int mqtt = freePort();
    Path data = Files.createDirectories(workDir.resolve("data"));
    Path log = workDir.resolve("gateway.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(java, "-Xmx512m", "-jar", copy.resolve(JAR.getFileName()).toString(), "demo"));
    pb.environment().put("UPSFLEET_DATA_DIR", data.toString());
    pb.environment().put("UPSFLEET_HTTP_PORT", Integer.toString(http));
    pb.environment().put("UPSFLEET_HTTP_HOST", "127.0.0.1");
    pb.environment().put("UPSFLEET_MQTT_PORT", Integer.toString(mqtt));
    pb.environment().put("UPSFLEET_MQTT_HOST", "127.0.0.1");
    // TLS listeners on free ports too: the defaults (8443, 8883) collide with any other gateway.
    pb.environment().put("UPSFLEET_HTTPS_PORT", Integer.toString(freePort()));
    pb.environment().put("UPSFLEET_MQTT_TLS_PORT", Integer.toString(freePort()));
    pb.environment().put("UPSFLEET_NUT_PORT", "0"); // the demo's NUT facade is not needed here
    pb.environment().put("UPSFLEET_BOOTSTRAP_PASSWORD", PASSWORD);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    GatewayProcess g = new GatewayProcess(pb.start(), http, mqtt, log, data);
    try {
      g.awaitReady(readyTimeout);
    } catch (RuntimeException | InterruptedException e) {
      g.close();
      throw e;
    }
    return g;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(url().resolve("/health/ready"))
            .timeout(Duration.ofSeconds(3))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the gateway exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      // Polling an external process's HTTP endpoint: there is nothing to wait on but time.
      process.waitFor(500, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("the gateway was not ready within " + timeout + "; see " + log);
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy(); // SIGTERM: the gateway's shutdown hook stops PostgreSQL
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS))
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    for (ProcessHandle h : children) {
      if (h.isAlive()) h.destroyForcibly();
    }
    // The embedded PostgreSQL runs under `unshare` and is re-parented, so it is no descendant: find
    // it by
    // its data directory, which is ours alone. Normally the gateway's shutdown hook has stopped it
    // already.
    String dir = dataDir.toAbsolutePath().toString();
    ProcessHandle.allProcesses()
        .filter(
            h ->
                h.info()
                    .commandLine()
                    .map(c -> c.contains("postgres") && c.contains(dir))
                    .orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
