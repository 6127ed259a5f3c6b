package io.upsfleet.gateway.nut;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.UserView;
import io.upsfleet.gateway.testing.ContractHttpClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NUT facade against the real NUT clients (Debian's {@code upsc}, {@code upscmd}, {@code
 * upsmon}) and a raw socket: a real node on its own PostgreSQL, UPSs on the device protocol (MQTT),
 * and the facade on an ephemeral port, readable without sign-in from 127.0.0.1 only.
 */
class NutFacadeIT {
  private static final String MODEL = "SMT1500C";
  private static final String PASSWORD = "nut-test-password-1";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static int port;

  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void start() {
    gw =
        GatewayFixture.start(
            "NutFacadeIT",
            Map.of(
                "upsfleet.gateway.nut.port",
                NutSettings.ANY_PORT,
                "upsfleet.gateway.nut.host",
                "0.0.0.0",
                "upsfleet.gateway.nut.anonymous-read-from",
                "127.0.0.1",
                "upsfleet.gateway.nut.idle-timeout",
                "3s",
                "upsfleet.gateway.nut.max-connections",
                2000,
                "upsfleet.gateway.http.requests-per-second",
                1000,
                "upsfleet.gateway.http.burst",
                2000));
    support = gw.support();
    port = gw.node().nutPort();
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) c.close();
  }

  // ------------------------------------------------------------------------------ upsc

  @Test
  void upscListsTheUpssReadsAllVariablesAndReadsOne() {
    Tenant t = tenant("Upsc");
    PublishingUps ups = online(t, "OL CHRG");
    String upsc = NutTestTools.tool("upsc").toString();

    await()
        .atMost(WAIT)
        .until(
            () -> NutTestTools.run(upsc, "-l", "127.0.0.1:" + port).output().contains(ups.serial));

    NutTestTools.Run all = NutTestTools.run(upsc, ups.serial + "@127.0.0.1:" + port);
    assertThat(all.status()).as(all.output()).isZero();
    assertThat(all.output())
        .contains("ups.status: OL CHRG")
        .contains("battery.charge: 100")
        .contains("input.voltage: 229.5")
        .contains("device.serial: " + ups.serial)
        .contains("device.model: " + MODEL)
        .contains("ups.firmware: UPS 09.2 \"#1\\ / ID=18");

    NutTestTools.Run one = NutTestTools.run(upsc, ups.serial + "@127.0.0.1:" + port, "ups.load");
    assertThat(one.status()).isZero();
    assertThat(one.output().lines()).as("stderr may add a line about SSL").contains("23");

    NutTestTools.Run missing =
        NutTestTools.run(upsc, ups.serial + "@127.0.0.1:" + port, "ups.nothing");
    assertThat(missing.status()).isNotZero();
    assertThat(missing.output()).contains("Variable not supported by UPS");

    NutTestTools.Run unknown = NutTestTools.run(upsc, "NOSUCHUPS1@127.0.0.1:" + port);
    assertThat(unknown.status()).isNotZero();
    assertThat(unknown.output()).contains("Unknown UPS");
  }

  // ------------------------------------------------------------------------------ upscmd

  @Test
  void upscmdStartsASelfTestAndAnOutletRebootOnAdvancedAndIsRefusedTheRebootOnStandard()
      throws Exception {
    Tenant t = tenant("Upscmd");
    PublishingUps ups = online(t, "OL");
    String upscmd = NutTestTools.tool("upscmd").toString();
    String target = ups.serial + "@127.0.0.1:" + port;

    NutTestTools.Run listed = NutTestTools.run(upscmd, "-l", target);
    assertThat(listed.output())
        .contains("test.battery.start.quick")
        .contains("test.battery.start.deep")
        .contains("outlet.1.load.cycle")
        .contains("load.cycle");

    NutTestTools.Run selfTest =
        NutTestTools.run(upscmd, "-u", t.user, "-p", PASSWORD, target, "test.battery.start.quick");
    assertThat(selfTest.status()).as(selfTest.output()).isZero();
    JsonNode cmd = ups.nextCommand(20);
    assertThat(cmd).as("the self-test reached the UPS").isNotNull();
    assertThat(cmd.path("type").asText()).isEqualTo("SELF_TEST");

    NutTestTools.Run refused =
        NutTestTools.run(upscmd, "-u", t.user, "-p", PASSWORD, target, "outlet.1.load.cycle");
    assertThat(refused.status()).as(refused.output()).isNotZero();
    assertThat(refused.output()).contains("ACCESS-DENIED");
    assertThat(ups.nextCommand(1)).as("nothing reached the UPS").isNull();

    NutTestTools.Run unsupported =
        NutTestTools.run(upscmd, "-u", t.user, "-p", PASSWORD, target, "beeper.enable");
    assertThat(unsupported.status()).isNotZero();
    assertThat(unsupported.output()).contains("CMD-NOT-SUPPORTED");

    NutTestTools.makeAdvanced(support, t.account, ups.serial);
    NutTestTools.Run reboot =
        NutTestTools.run(upscmd, "-u", t.user, "-p", PASSWORD, target, "outlet.1.load.cycle");
    assertThat(reboot.status()).as(reboot.output()).isZero();
    JsonNode r = ups.nextCommand(20);
    assertThat(r).as("the outlet reboot reached the UPS").isNotNull();
    assertThat(r.path("type").asText()).isEqualTo("OUTLET_GROUP_REBOOT");
    assertThat(r.path("params").path("group").asInt()).isEqualTo(1);

    NutTestTools.Run wrong =
        NutTestTools.run(upscmd, "-u", t.user, "-p", "wrong-password", target, "load.cycle");
    assertThat(wrong.status()).isNotZero();
    assertThat(wrong.output()).contains("ACCESS-DENIED");

    UpsfleetClient customer = gw.client(t.user, PASSWORD);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        customer.events(ups.serial, Map.of("size", "100")).items().stream()
                            .filter(e -> e.type().equals("USER_ACTION"))
                            .map(e -> e.details().toString()))
                    .as("each accepted INSTCMD is a USER_ACTION by the NUT user")
                    .hasSize(2)
                    .allMatch(d -> d.contains(t.user)));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        support
                            .audit(Map.of("action", "nut.instcmd", "size", "50"))
                            .items()
                            .stream()
                            .filter(a -> ups.serial.equals(a.target()))
                            .map(a -> a.outcome()))
                    .containsExactlyInAnyOrder("OK", "PLAN", "OK"));
  }

  // ------------------------------------------------------------------------------ upsmon

  @Test
  void upsmonSeesOnBatteryAndLowBatteryAndRunsItsShutdownCommand(@TempDir Path dir)
      throws Exception {
    Tenant t = tenant("Upsmon");
    PublishingUps ups = online(t, "OL");
    Path notified = dir.resolve("notified");
    Path shutdown = dir.resolve("shutdown");
    Path notify = dir.resolve("notify.sh");
    Files.writeString(notify, "#!/bin/sh\necho \"$NOTIFYTYPE $*\" >> " + notified + "\n");
    notify.toFile().setExecutable(true);
    Files.writeString(
        dir.resolve("upsmon.conf"),
        String.join(
            "\n",
            "MONITOR "
                + ups.serial
                + "@127.0.0.1:"
                + port
                + " 1 "
                + t.user
                + " "
                + PASSWORD
                + " primary",
            "MINSUPPLIES 1",
            "SHUTDOWNCMD \"/bin/sh -c 'echo shutdown > " + shutdown + "'\"",
            "NOTIFYCMD " + notify,
            "NOTIFYFLAG ONBATT SYSLOG+EXEC",
            "NOTIFYFLAG LOWBATT SYSLOG+EXEC",
            "NOTIFYFLAG ONLINE SYSLOG+EXEC",
            "POWERDOWNFLAG " + dir.resolve("killpower"),
            "POLLFREQ 1",
            "POLLFREQALERT 1",
            "HOSTSYNC 2",
            "DEADTIME 6",
            "FINALDELAY 0",
            "RUN_AS_USER root",
            ""));
    Map<String, String> env =
        Map.of(
            "NUT_CONFPATH", dir.toString(),
            "NUT_STATEPATH", dir.toString(),
            "NUT_ALTPIDPATH", dir.toString());
    ProcessBuilder pb =
        new ProcessBuilder(NutTestTools.tool("upsmon").toString(), "-D", "-p")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("upsmon.log").toFile());
    pb.environment().putAll(env);
    Process upsmon = pb.start();
    closing.add(() -> NutTestTools.stop(upsmon));
    try {
      await()
          .atMost(WAIT)
          .until(() -> Files.readString(dir.resolve("upsmon.log")).contains("Logged into UPS"));
      ups.set("ups.status", "OB DISCHRG");
      await()
          .atMost(WAIT)
          .until(() -> Files.exists(notified) && Files.readString(notified).contains("ONBATT"));
      assertThat(shutdown).as("on battery alone is not critical").doesNotExist();

      ups.set("ups.status", "OB DISCHRG LB");
      ups.set("battery.charge", 8);
      await().atMost(WAIT).until(() -> Files.exists(shutdown));
      assertThat(Files.readString(notified)).contains("LOWBATT");
      assertThat(Files.readString(shutdown).trim()).isEqualTo("shutdown");
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          e.getMessage() + "\nupsmon log:\n" + Files.readString(dir.resolve("upsmon.log")), e);
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        support.audit(Map.of("action", "nut.fsd", "size", "10")).items().stream()
                            .filter(a -> ups.serial.equals(a.target())))
                    .as("upsmon's FSD was refused and audited")
                    .isNotEmpty());
  }

  // ------------------------------------------------------------------------------ raw protocol

  @Test
  void theProtocolAnswersAsUpsdDoes() {
    Tenant t = tenant("Raw");
    PublishingUps ups = online(t, "OL");
    String s = ups.serial;
    try (NutLine c = new NutLine(port)) {
      assertThat(c.ask("NETVER")).isEqualTo("1.3");
      assertThat(c.ask("protver")).as("case-insensitive").isEqualTo("1.3");
      assertThat(c.ask("VER")).startsWith("Network UPS Tools upsd");
      assertThat(c.ask("HELP")).startsWith("Commands: HELP VER PROTVER GET LIST SET INSTCMD");
      assertThat(c.ask("FROBNICATE")).isEqualTo("ERR UNKNOWN-COMMAND");
      assertThat(c.ask("GET VAR " + s)).isEqualTo("ERR INVALID-ARGUMENT");
      assertThat(c.ask("GET VAR \"" + s))
          .as("unterminated quote")
          .isEqualTo("ERR INVALID-ARGUMENT");
      assertThat(c.ask("INSTCMD " + s + " load.cycle")).isEqualTo("ERR USERNAME-REQUIRED");
      assertThat(c.ask("FSD " + s)).isEqualTo("ERR USERNAME-REQUIRED");
      assertThat(c.ask("LOGIN " + s)).isEqualTo("ERR USERNAME-REQUIRED");
      assertThat(c.ask("STARTTLS")).isEqualTo("ERR FEATURE-NOT-CONFIGURED");
      await().atMost(WAIT).until(() -> c.ask("GET VAR " + s + " ups.firmware").startsWith("VAR"));
      assertThat(c.ask("GET VAR " + s + " ups.firmware"))
          .as("quotes, backslashes and # escaped")
          .isEqualTo("VAR " + s + " ups.firmware \"UPS 09.2 \\\"\\#1\\\\ / ID=18\"");
      assertThat(c.ask("GET VAR " + s + " \"ups.load\""))
          .isEqualTo("VAR " + s + " ups.load \"23\"");
      assertThat(c.ask("GET VAR " + s + " nothing.here")).isEqualTo("ERR VAR-NOT-SUPPORTED");
      assertThat(c.ask("GET TYPE " + s + " ups.load")).isEqualTo("TYPE " + s + " ups.load NUMBER");
      assertThat(c.ask("GET TYPE " + s + " input.sensitivity"))
          .isEqualTo("TYPE " + s + " input.sensitivity RW ENUM");
      assertThat(c.ask("GET DESC " + s + " battery.charge"))
          .isEqualTo("DESC " + s + " battery.charge \"Battery charge (percent of full)\"");
      assertThat(c.ask("GET CMDDESC " + s + " load.cycle"))
          .startsWith("CMDDESC " + s + " load.cycle \"");
      assertThat(c.ask("GET UPSDESC " + s)).isEqualTo("UPSDESC " + s + " \"" + MODEL + "\"");
      assertThat(c.ask("GET NUMLOGINS " + s)).isEqualTo("NUMLOGINS " + s + " 0");
      List<String> vars = c.list("LIST VAR " + s);
      assertThat(vars.get(0)).isEqualTo("BEGIN LIST VAR " + s);
      assertThat(vars.get(vars.size() - 1)).isEqualTo("END LIST VAR " + s);
      assertThat(vars)
          .contains("VAR " + s + " ups.status \"OL\"", "VAR " + s + " battery.charge \"100\"");
      assertThat(c.list("LIST RW " + s))
          .containsExactly(
              "BEGIN LIST RW " + s,
              "RW " + s + " input.sensitivity \"medium\"",
              "END LIST RW " + s);
      assertThat(c.list("LIST ENUM " + s + " input.sensitivity"))
          .containsExactly(
              "BEGIN LIST ENUM " + s + " input.sensitivity",
              "ENUM " + s + " input.sensitivity \"high\"",
              "ENUM " + s + " input.sensitivity \"medium\"",
              "ENUM " + s + " input.sensitivity \"low\"",
              "END LIST ENUM " + s + " input.sensitivity");
      assertThat(c.list("LIST RANGE " + s + " ups.load"))
          .containsExactly(
              "BEGIN LIST RANGE " + s + " ups.load", "END LIST RANGE " + s + " ups.load");
      assertThat(c.list("LIST CMD " + s)).contains("CMD " + s + " test.battery.start.deep");
      assertThat(c.ask("GET VAR NOSUCHUPS1 ups.status")).isEqualTo("ERR UNKNOWN-UPS");
      assertThat(c.ask("GET VAR ../etc ups.status")).isEqualTo("ERR UNKNOWN-UPS");

      // Signed in: SET VAR and LOGIN, NUMLOGINS.
      assertThat(c.ask("PASSWORD " + PASSWORD)).isEqualTo("ERR USERNAME-REQUIRED");
      assertThat(c.ask("USERNAME " + t.user)).isEqualTo("OK");
      assertThat(c.ask("USERNAME again")).isEqualTo("ERR ALREADY-SET-USERNAME");
      assertThat(c.ask("INSTCMD " + s + " load.cycle")).isEqualTo("ERR PASSWORD-REQUIRED");
      assertThat(c.ask("PASSWORD " + PASSWORD)).isEqualTo("OK");
      assertThat(c.ask("SET VAR " + s + " ups.load \"5\"")).isEqualTo("ERR READONLY");
      assertThat(c.ask("SET VAR " + s + " no.such \"5\"")).isEqualTo("ERR VAR-NOT-SUPPORTED");
      assertThat(c.ask("SET VAR " + s + " input.sensitivity \"extreme\""))
          .isEqualTo("ERR INVALID-VALUE");
      assertThat(c.ask("SET VAR " + s + " input.sensitivity \"low\"")).isEqualTo("OK");
      assertThat(c.ask("LOGIN " + s)).isEqualTo("OK");
      assertThat(c.ask("LOGIN " + s)).isEqualTo("ERR ALREADY-LOGGED-IN");
      assertThat(c.ask("GET NUMLOGINS " + s)).isEqualTo("NUMLOGINS " + s + " 1");
      assertThat(c.ask("PRIMARY " + s)).isEqualTo("OK PRIMARY-GRANTED");
      assertThat(c.ask("FSD " + s)).isEqualTo("ERR ACCESS-DENIED");
      assertThat(c.ask("LOGOUT")).isEqualTo("OK Goodbye");
      assertThat(c.closedByServer()).isTrue();
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(ups.commands.stream().map(j -> j.path("type").asText()))
                    .contains("SET_INPUT_SENSITIVITY"));
    try (NutLine c = new NutLine(port)) {
      assertThat(c.ask("GET NUMLOGINS " + s))
          .as("the LOGIN ended with its session")
          .isEqualTo("NUMLOGINS " + s + " 0");
    }
  }

  @Test
  void eachSessionSeesExactlyItsAccountsUps() {
    Tenant a = tenant("TenantA");
    Tenant b = tenant("TenantB");
    PublishingUps ups = online(a, "OL");
    String s = ups.serial;
    try (NutLine c = new NutLine(port)) {
      c.ask("USERNAME " + b.user);
      c.ask("PASSWORD " + PASSWORD);
      assertThat(c.list("LIST UPS")).containsExactly("BEGIN LIST UPS", "END LIST UPS");
      assertThat(c.ask("GET VAR " + s + " ups.status"))
          .as("another account's UPS")
          .isEqualTo("ERR UNKNOWN-UPS");
      assertThat(c.ask("INSTCMD " + s + " test.battery.start.quick")).isEqualTo("ERR UNKNOWN-UPS");
    }
    try (NutLine c = new NutLine(port)) {
      c.ask("USERNAME " + a.user);
      c.ask("PASSWORD " + PASSWORD);
      await()
          .atMost(WAIT)
          .until(() -> c.list("LIST UPS").contains("UPS " + s + " \"" + MODEL + "\""));
      assertThat(c.list("LIST UPS")).hasSize(3);
    }
    try (NutLine c = new NutLine(port)) {
      c.ask("USERNAME " + a.user);
      c.ask("PASSWORD " + gw.client(a.user, PASSWORD).token());
      await()
          .atMost(WAIT)
          .alias("an API token of the user instead of the password")
          .until(
              () ->
                  c.ask("GET VAR " + s + " ups.status").equals("VAR " + s + " ups.status \"OL\""));
    }
    try (NutLine c = new NutLine(port)) {
      c.ask("USERNAME " + b.user);
      c.ask("PASSWORD " + gw.client(a.user, PASSWORD).token());
      assertThat(c.ask("GET VAR " + s + " ups.status"))
          .as("another user's token")
          .isEqualTo("ERR ACCESS-DENIED");
    }
    try (NutLine c = new NutLine(port)) {
      c.ask("USERNAME " + GatewayFixture.SUPPORT_USER);
      c.ask("PASSWORD " + GatewayFixture.SUPPORT_PASSWORD);
      assertThat(c.list("LIST UPS"))
          .as("support sees none")
          .containsExactly("BEGIN LIST UPS", "END LIST UPS");
      assertThat(c.ask("GET VAR " + s + " ups.status")).isEqualTo("ERR UNKNOWN-UPS");
    }
    try (NutLine c = new NutLine(port)) {
      c.ask("USERNAME " + a.user);
      c.ask("PASSWORD wrong-password");
      assertThat(c.ask("GET VAR " + s + " ups.status")).isEqualTo("ERR ACCESS-DENIED");
      assertThat(c.ask("LIST UPS")).isEqualTo("ERR ACCESS-DENIED");
    }
    try (NutLine c = new NutLine(port, "127.0.0.2")) {
      assertThat(c.ask("GET VAR " + s + " ups.status"))
          .as("anonymous reads only from anonymous-read-from")
          .isEqualTo("ERR ACCESS-DENIED");
      assertThat(c.list("LIST UPS")).containsExactly("BEGIN LIST UPS", "END LIST UPS");
    }
  }

  @Test
  void aSessionIsClosedWhenItsUserIsDisabledOrItsTokenSignedOut() {
    Tenant a = tenant("Revoked");
    String s = online(a, "OL").serial;
    UpsfleetClient api = gw.client(a.user, PASSWORD);
    try (NutLine byToken = new NutLine(port);
        NutLine other = new NutLine(port)) {
      byToken.ask("USERNAME " + a.user);
      byToken.ask("PASSWORD " + api.token());
      await()
          .atMost(WAIT)
          .until(() -> byToken.ask("GET VAR " + s + " ups.status").startsWith("VAR "));
      UpsfleetClient second = gw.client(a.user, PASSWORD);
      other.ask("USERNAME " + a.user);
      other.ask("PASSWORD " + second.token());
      assertThat(other.ask("GET VAR " + s + " ups.status")).startsWith("VAR ");
      logout(api.token());
      assertThat(byToken.closedByServer()).as("the session of the signed-out token").isTrue();
      assertThat(other.ask("GET VAR " + s + " ups.status"))
          .as("another token of the same user still works")
          .startsWith("VAR ");
    }
    try (NutLine byPassword = new NutLine(port)) {
      byPassword.ask("USERNAME " + a.user);
      byPassword.ask("PASSWORD " + PASSWORD);
      assertThat(byPassword.ask("GET VAR " + s + " ups.status")).startsWith("VAR ");
      UserView user =
          support.users(a.account).stream()
              .filter(u -> u.username().equals(a.user))
              .findFirst()
              .orElseThrow();
      support.updateUser(a.account, user.id(), true, null);
      assertThat(byPassword.closedByServer()).as("the session of a disabled user").isTrue();
    }
  }

  @Test
  void aUpsOfflinePastItsGracePeriodIsDataStale() {
    Tenant t = tenant("Stale");
    PublishingUps ups = online(t, "OL");
    try (NutLine c = new NutLine(port)) {
      await()
          .atMost(WAIT)
          .until(() -> c.ask("GET VAR " + ups.serial + " ups.status").startsWith("VAR"));
      ups.close();
      await()
          .atMost(WAIT)
          .until(() -> c.ask("GET VAR " + ups.serial + " ups.status").equals("ERR DATA-STALE"));
      assertThat(c.list("LIST VAR " + ups.serial)).containsExactly("ERR DATA-STALE");
      assertThat(c.ask("GET UPSDESC " + ups.serial)).startsWith("UPSDESC ");
    }
  }

  @Test
  void badInputIsAnsweredOrClosedAndIdleConnectionsCostNoThread() throws IOException {
    try (NutLine c = new NutLine(port)) {
      char[] longLine = new char[600];
      Arrays.fill(longLine, 'A');
      c.sendRaw(("GET VAR " + new String(longLine) + "\n").getBytes(UTF_8));
      assertThat(c.read()).isEqualTo("ERR INVALID-ARGUMENT");
      assertThat(c.closedByServer()).as("an overlong line closes the connection").isTrue();
    }
    try (NutLine c = new NutLine(port)) {
      byte[] garbage = new byte[64];
      for (int i = 0; i < garbage.length; i++) garbage[i] = (byte) (i * 37 + 1);
      for (int i = 0; i < garbage.length; i++) if (garbage[i] == '\n') garbage[i] = 0;
      List<String> replies = new ArrayList<>();
      for (int i = 0; i < NutSession.MAX_ERRORS; i++) {
        c.sendRaw(garbage);
        c.sendRaw(new byte[] {'\n'});
        replies.add(c.read());
      }
      assertThat(replies).allMatch(r -> r.startsWith("ERR "));
      assertThat(c.closedByServer())
          .as("closed after " + NutSession.MAX_ERRORS + " bad lines")
          .isTrue();
    }
    try (NutLine c = new NutLine(port)) {
      c.sendRaw("LIST UPS".getBytes(UTF_8));
      c.socket.setSoTimeout(15_000);
      assertThat(c.closedByServer())
          .as("a line never ended is closed at the idle time-out")
          .isTrue();
    }

    int threadsBefore = Thread.activeCount();
    List<NutLine> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 1000; i++) idle.add(new NutLine(port));
      for (NutLine c : idle) c.sendRaw("NETVER\n".getBytes(UTF_8));
      for (NutLine c : idle) assertThat(c.read()).isEqualTo("1.3");
      assertThat(gw.node().nutConnections()).isGreaterThanOrEqualTo(1000);
      assertThat(Thread.activeCount() - threadsBefore)
          .as("1,000 open NUT connections, no thread each")
          .isLessThan(50);
    } finally {
      idle.forEach(NutLine::close);
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /** POST /api/v1/auth/logout: this one token is revoked. */
  private void logout(String token) {
    try {
      int status =
          ContractHttpClient.checked(HttpClient.newHttpClient())
              .send(
                  HttpRequest.newBuilder(gw.httpBase().resolve("/api/v1/auth/logout"))
                      .header("Authorization", "Bearer " + token)
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      assertThat(status).isEqualTo(204);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private record Tenant(String account, String user) {}

  private Tenant tenant(String name) {
    String account = support.createAccount(name + " " + GatewayFixture.uniqueSerial()).id();
    String user = "nut-" + name.toLowerCase() + "-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(account, user, PASSWORD, "ACCOUNT_OPERATOR");
    return new Tenant(account, user);
  }

  private PublishingUps online(Tenant t, String status) {
    DeviceRegistration reg =
        support.registerDevice(GatewayFixture.uniqueSerial(), MODEL, t.account);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("ups.status", status);
    values.put("ups.load", 23);
    values.put("battery.charge", 100);
    values.put("battery.runtime", 3600);
    values.put("input.voltage", 229.5);
    values.put("input.sensitivity", "medium");
    values.put("ups.firmware", "UPS 09.2 \"#1\\ / ID=18");
    PublishingUps ups = new PublishingUps(reg.serial(), reg.secret(), gw.mqttPort(), values);
    closing.add(ups);
    return ups;
  }
}
