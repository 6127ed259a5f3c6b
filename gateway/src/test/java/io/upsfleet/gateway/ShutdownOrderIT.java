package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.gateway.testing.FreePorts;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upsfleet demo} stopped by SIGTERM, as a service manager or Kubernetes stops it, with a
 * device connected: the node closes its listeners first, then leaves the cluster (entities and
 * projections stop), and only then is the embedded PostgreSQL stopped; nothing in between is logged
 * as an error or with a stack trace (a database stopped under the projections would be).
 */
class ShutdownOrderIT {
  private static final String PASSWORD = "support-shutdown-password";

  @Test
  void sigtermStopsListenersThenTheClusterThenTheDatabaseWithoutStackTraces(@TempDir Path work)
      throws Exception {
    int[] ports = FreePorts.freePorts(1, 4)[0];
    Path log = work.resolve("demo.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            java,
            "-Xms64m",
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dlogback.configurationFile=logback.xml",
            "-Dupsfleet.accounts.password-iterations=1000",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "demo"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("UPSFLEET_DATA_DIR", work.resolve("data").toString());
    env.put("UPSFLEET_HTTP_HOST", "127.0.0.1");
    env.put("UPSFLEET_HTTP_PORT", Integer.toString(ports[0]));
    env.put("UPSFLEET_MQTT_HOST", "127.0.0.1");
    env.put("UPSFLEET_MQTT_PORT", Integer.toString(ports[1]));
    env.put("UPSFLEET_MQTT_TLS_PORT", Integer.toString(ports[2]));
    env.put("UPSFLEET_HTTPS_PORT", Integer.toString(ports[3]));
    env.put("UPSFLEET_NUT_PORT", "0");
    env.put("UPSFLEET_BOOTSTRAP_PASSWORD", PASSWORD);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process demo = pb.start();
    Mqtt3BlockingClient device = null;
    try {
      URI base = URI.create("http://127.0.0.1:" + ports[0]);
      awaitReady(demo, base, log);
      UpsfleetClient support = new UpsfleetClient(base);
      support.signIn("support", PASSWORD);
      AccountView account = support.createAccount("Shutdown Co");
      DeviceRegistration reg = support.registerDevice("AS2612000001", "SMT1500C", account.id());
      device =
          Mqtt3Client.builder()
              .identifier(reg.serial())
              .serverHost("127.0.0.1")
              .serverPort(ports[1])
              .simpleAuth()
              .username(reg.serial())
              .password(reg.secret().getBytes(StandardCharsets.UTF_8))
              .applySimpleAuth()
              .buildBlocking();
      device.connect();

      demo.destroy(); // SIGTERM
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo exits").isTrue();
    } finally {
      if (demo.isAlive()) demo.destroyForcibly();
    }
    String out = Files.readString(log);
    int listeners = out.indexOf("stopping: closing the MQTT listener (1 device connections)");
    int leaving = out.indexOf("as [Leaving]");
    int database = out.indexOf("Embedded PostgreSQL stopped");
    assertThat(listeners).as(out).isPositive();
    assertThat(leaving)
        .as("the node leaves the cluster after closing its listeners\n" + out)
        .isGreaterThan(listeners);
    assertThat(database).as("the database stops last\n" + out).isGreaterThan(leaving);
    String stopping = out.substring(out.indexOf("stopping"));
    assertThat(stopping).as("no stack trace while stopping").doesNotContain("\tat ");
    assertThat(stopping).as("no error while stopping").doesNotContain(" ERROR ");
    assertThat(stopping).doesNotContain("Exception");
  }

  private static void awaitReady(Process demo, URI base, Path log) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(base.resolve("/health/ready"))
            .timeout(Duration.ofSeconds(3))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!demo.isAlive())
        throw new IllegalStateException("demo exited:\n" + Files.readString(log));
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      // An external process's HTTP endpoint: there is nothing to wait on but time.
      demo.waitFor(300, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("demo not ready:\n" + Files.readString(log));
  }
}
