package io.upsfleet.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.gateway.nut.NutTestTools;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.persistence.testing.TcpProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upsfleet agent} against a real upsd with Debian's {@code dummy-ups} driver replaying a
 * sequence (on mains → on battery → low battery → back on mains, 4 s each, in a loop), run as root
 * in a temp dir, and a real gateway node: the UPS appears with upsd's values and the gateway
 * derives the events; an outlet reboot asked through the API reaches dummy-ups as an INSTCMD; the
 * agent keeps going after upsd restarts.
 */
class AgentIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static GatewayFixture gw;
  private static UpsfleetClient support;

  @BeforeAll
  static void start() {
    gw =
        GatewayFixture.start(
            "AgentIT",
            Map.of(
                "upsfleet.gateway.http.requests-per-second", 1000,
                "upsfleet.gateway.http.burst", 2000));
    support = gw.support();
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void aUpsBehindUpsdAppearsWithItsValuesAndEventsAndReceivesAnOutletReboot(@TempDir Path dir)
      throws Exception {
    Upsd upsd = Upsd.start(dir);
    Agent agent = null;
    try {
      String account = support.createAccount("Agent " + GatewayFixture.uniqueSerial()).id();
      DeviceRegistration reg =
          support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", account);
      agent =
          new Agent(
                  AgentSettings.parse(
                      new String[] {
                        "--upsd", "127.0.0.1:" + upsd.port,
                        "--ups", "dummy",
                        "--upsd-user", "agent",
                        "--upsd-password", "agent-secret",
                        "--mqtt", "127.0.0.1:" + gw.mqttPort(),
                        "--serial", reg.serial(),
                        "--poll", "1",
                        // dummy-ups offers no load.cycle: the main group's reboot is its load.off
                        "--command", "OUTLET_GROUP_REBOOT:0=load.off"
                      },
                      Map.of("UPSFLEET_AGENT_SECRET", reg.secret())))
              .start();
      String serial = reg.serial();

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                DeviceView d = support.device(serial);
                assertThat(d.connection().online()).isTrue();
                assertThat(d.telemetry()).isNotNull();
                assertThat(d.telemetry().values())
                    .containsKey("battery.charge")
                    .containsEntry("ups.model", "Back-UPS XS 700");
              });
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          support.events(serial, Map.of("size", "100")).items().stream()
                              .map(e -> e.type()))
                      .as("the gateway derived the events from the agent's samples")
                      .contains("ON_BATTERY", "LOW_BATTERY", "POWER_RESTORED"));

      // An outlet reboot from upsfleet reaches dummy-ups as an INSTCMD.
      NutTestTools.makeAdvanced(support, account, serial);
      String main = requestReboot(serial, 0);
      await().atMost(WAIT).until(() -> Files.readString(upsd.driverLog).contains("load.off"));
      await()
          .atMost(WAIT)
          .until(() -> "SUCCEEDED".equals(operation(serial, main).path("status").asText()));
      // The group-1 reboot has no instant command in dummy-ups: refused by the agent, said why.
      String one = requestReboot(serial, 1);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                JsonNode op = operation(serial, one);
                assertThat(op.path("status").asText()).isIn("FAILED", "REJECTED");
                assertThat(op.path("reason").asText()).contains("outlet.1.load.cycle");
              });

      // upsd restarts: the agent reads it again and goes on publishing.
      upsd.restartDaemon();
      Agent running = agent;
      long before = running.published();
      await().atMost(WAIT).until(() -> running.published() > before + 2);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\n" + upsd.logs(), e);
    } finally {
      if (agent != null) agent.close();
      upsd.close();
    }
  }

  @Test
  void samplesTakenWhileTheGatewayIsUnreachableArriveAfterwards(@TempDir Path dir)
      throws Exception {
    Upsd upsd = Upsd.start(dir);
    Agent agent = null;
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", gw.mqttPort())) {
      String account = support.createAccount("Buffer " + GatewayFixture.uniqueSerial()).id();
      DeviceRegistration reg =
          support.registerDevice(GatewayFixture.uniqueSerial(), "SMT1500C", account);
      String serial = reg.serial();
      Agent running =
          new Agent(
                  AgentSettings.parse(
                      new String[] {
                        "--upsd",
                        "127.0.0.1:" + upsd.port,
                        "--ups",
                        "dummy",
                        "--mqtt",
                        "127.0.0.1:" + proxy.port(),
                        "--serial",
                        serial,
                        "--poll",
                        "1"
                      },
                      Map.of("UPSFLEET_AGENT_SECRET", reg.secret())))
              .start();
      agent = running;
      await()
          .atMost(WAIT)
          .until(
              () -> {
                DeviceView d = support.device(serial);
                return d.connection().online() && d.telemetry() != null;
              });

      proxy.cut();
      await().atMost(WAIT).until(() -> running.buffered() >= 3);
      long seqBefore = support.device(serial).telemetry().seq();
      int buffered = running.buffered();
      proxy.heal();

      await().atMost(WAIT).until(() -> running.buffered() == 0);
      assertThat(running.dropped()).isZero();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(support.device(serial).telemetry().seq())
                      .as("the samples buffered during the cut were delivered")
                      .isGreaterThanOrEqualTo(seqBefore + buffered));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\n" + upsd.logs(), e);
    } finally {
      if (agent != null) agent.close();
      upsd.close();
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private static String requestReboot(String serial, int group) throws Exception {
    String body =
        "{\"type\":\"OUTLET_GROUP_REBOOT\",\"group\":"
            + group
            + ",\"offDelaySeconds\":0,\"onDelaySeconds\":0}";
    HttpResponse<String> r =
        ContractHttpClient.checked(HttpClient.newHttpClient())
            .send(
                HttpRequest.newBuilder(
                        URI.create(gw.httpBase() + "/api/v1/devices/" + serial + "/commands"))
                    .header("Authorization", "Bearer " + support.token())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return JSON.readTree(r.body()).path("id").asText();
  }

  private static JsonNode operation(String serial, String id) throws Exception {
    HttpResponse<String> r =
        ContractHttpClient.checked(HttpClient.newHttpClient())
            .send(
                HttpRequest.newBuilder(
                        URI.create(gw.httpBase() + "/api/v1/devices/" + serial + "/commands/" + id))
                    .header("Authorization", "Bearer " + support.token())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  /** upsd and dummy-ups in a temp dir (both in the foreground, as root: see STACK.md). */
  static final class Upsd implements AutoCloseable {
    final Path dir;
    final int port;
    final Path driverLog;
    final Path upsdLog;
    private final Map<String, String> env;
    private Process driver;
    private Process daemon;

    private Upsd(Path dir, int port) {
      this.dir = dir;
      this.port = port;
      this.driverLog = dir.resolve("driver.log");
      this.upsdLog = dir.resolve("upsd.log");
      this.env =
          Map.of(
              "NUT_CONFPATH", dir.toString(),
              "NUT_STATEPATH", dir.resolve("state").toString(),
              "NUT_ALTPIDPATH", dir.resolve("state").toString());
    }

    static Upsd start(Path dir) throws IOException {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Files.createDirectories(dir.resolve("state"));
      Files.writeString(
          dir.resolve("ups.conf"),
          "[dummy]\n  driver = dummy-ups\n  port = dummy.seq\n  desc = \"test\"\n");
      Files.writeString(
          dir.resolve("dummy.seq"),
          String.join(
              "\n",
              "ups.status: OL",
              "ups.model: Back-UPS XS 700",
              "ups.mfr: Test",
              "battery.charge: 100",
              "battery.runtime: 3600",
              "input.voltage: 230.0",
              "ups.load: 20",
              "TIMER 4",
              "ups.status: OB DISCHRG",
              "battery.charge: 60",
              "input.voltage: 0",
              "TIMER 4",
              "ups.status: OB DISCHRG LB",
              "battery.charge: 8",
              "TIMER 4",
              "ups.status: OL CHRG",
              "battery.charge: 50",
              "input.voltage: 229",
              "TIMER 4",
              ""));
      Files.writeString(dir.resolve("upsd.conf"), "LISTEN 127.0.0.1 " + port + "\n");
      Files.writeString(
          dir.resolve("upsd.users"),
          "[agent]\n  password = agent-secret\n  actions = SET\n  instcmds = ALL\n");
      Upsd u = new Upsd(dir, port);
      u.driver =
          u.launch(
              "driver.log",
              NutTestTools.tool("dummy-ups").toString(),
              "-a",
              "dummy",
              "-u",
              "root",
              "-F");
      u.daemon = u.launch("upsd.log", NutTestTools.tool("upsd").toString(), "-u", "root", "-F");
      String upsc = NutTestTools.tool("upsc").toString();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  NutTestTools.run(upsc, "dummy@127.0.0.1:" + port, "ups.status")
                      .output()
                      .lines()
                      .anyMatch(l -> l.startsWith("O")));
      return u;
    }

    private Process launch(String log, String... command) throws IOException {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()));
      pb.environment().putAll(env);
      return pb.start();
    }

    void restartDaemon() throws IOException {
      NutTestTools.stop(daemon);
      daemon = launch("upsd.log", NutTestTools.tool("upsd").toString(), "-u", "root", "-F");
    }

    String logs() {
      try {
        return "driver log:\n"
            + (Files.exists(driverLog) ? Files.readString(driverLog) : "")
            + "\nupsd log:\n"
            + (Files.exists(upsdLog) ? Files.readString(upsdLog) : "");
      } catch (IOException e) {
        return e.toString();
      }
    }

    @Override
    public void close() {
      NutTestTools.stop(daemon);
      NutTestTools.stop(driver);
    }
  }
}
