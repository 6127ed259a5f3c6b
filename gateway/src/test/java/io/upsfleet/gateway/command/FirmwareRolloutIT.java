package io.upsfleet.gateway.command;

import static io.upsfleet.gateway.command.RemoteOperationsIT.MODEL;
import static io.upsfleet.gateway.command.RemoteOperationsIT.NEW_FIRMWARE;
import static io.upsfleet.gateway.command.RemoteOperationsIT.OLD_FIRMWARE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.gateway.command.RemoteOperationsIT.Http;
import io.upsfleet.gateway.command.RemoteOperationsIT.MqttDevice;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A firmware rollout end to end over 50 devices, each simulated by a HiveMQ client (they share
 * HiveMQ's default event loops) that answers its FIRMWARE_UPGRADE with progress, the new version in
 * telemetry and success, or, for a chosen few, with a failure. The rollout runs 5 at a time and
 * aborts after 3 failures; a second rollout over devices the first never reached is paused (nothing
 * new starts), resumed and completes. The rollout's own tick is two seconds, so each wave of starts
 * takes a few seconds.
 */
class FirmwareRolloutIT {
  private static final int FLEET = 50;

  /** Devices that answer their upgrade with FAILED: all in the second wave of five. */
  private static final Set<Integer> FAILING = Set.of(5, 6, 8);

  private static final Duration WAIT = Duration.ofSeconds(40);

  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static Http http;
  private static String token;
  private static String account;
  private static final List<DeviceRegistration> regs = new ArrayList<>();
  private static final Map<String, MqttDevice> sims = new LinkedHashMap<>();

  @BeforeAll
  static void startFleet() {
    gw =
        GatewayFixture.start(
            "FirmwareRolloutIT",
            Map.of(
                "upsfleet.gateway.http.requests-per-second", 1000,
                "upsfleet.gateway.http.burst", 2000));
    support = gw.support();
    token = support.token();
    http = new Http(gw.httpBase());
    account = support.createAccount("Rollout " + GatewayFixture.uniqueSerial()).id();
    for (int i = 0; i < FLEET; i++) {
      DeviceRegistration reg =
          support.registerDevice(GatewayFixture.uniqueSerial(), MODEL, account);
      regs.add(reg);
      boolean fails = FAILING.contains(i);
      MqttDevice d = MqttDevice.connect(reg.serial(), reg.secret(), gw.mqttPort(), true, null);
      d.onCommand = cmd -> upgrade(d, cmd, fails);
      sims.put(reg.serial(), d);
      d.telemetry(OLD_FIRMWARE);
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (DeviceRegistration reg : regs)
                assertThat(support.device(reg.serial()).firmware()).isEqualTo(OLD_FIRMWARE);
            });
  }

  @AfterAll
  static void stop() {
    sims.values().forEach(MqttDevice::close);
    if (gw != null) gw.close();
  }

  /**
   * How a simulated UPS answers an upgrade: progress, then the new version and success, or a
   * failure.
   */
  private static void upgrade(MqttDevice d, JsonNode cmd, boolean fails) {
    if (!"FIRMWARE_UPGRADE".equals(cmd.path("type").asText())) return;
    String id = cmd.path("id").asText();
    String version = cmd.path("params").path("version").asText();
    CompletableFuture<?> progress = d.resultAsync(id, "IN_PROGRESS", "downloading", 50, null, null);
    if (fails) {
      progress.thenCompose(
          x -> d.resultAsync(id, "FAILED", "installing", null, "flash write error", null));
    } else {
      progress
          .thenCompose(x -> d.telemetryAsync(version))
          .thenCompose(x -> d.resultAsync(id, "SUCCEEDED", null, null, null, null));
    }
  }

  // ------------------------------------------------------------------------------------ tests

  @Test
  void aRolloutAbortsAfterThreeFailuresThenAPausedRolloutStartsNothingUntilResumed() {
    // --- 50 devices, 5 at a time, abort after 3 failures.
    List<String> serials = regs.stream().map(DeviceRegistration::serial).toList();
    JsonNode started =
        http.post(
                "/api/v1/firmware-rollouts",
                token,
                Map.of(
                    "serials",
                    serials,
                    "concurrency",
                    5,
                    "abortAfterFailures",
                    3,
                    "accountId",
                    account))
            .expect(201)
            .body();
    String id = started.path("id").asText();
    assertThat(started.path("phase").asText()).isEqualTo("RUNNING");
    assertThat(started.path("devices").size()).isEqualTo(FLEET);

    AtomicInteger maxRunning = new AtomicInteger();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode v = rollout(id);
              maxRunning.accumulateAndGet(count(v, "RUNNING"), Math::max);
              return v.path("phase").asText().equals("ABORTED") && count(v, "RUNNING") == 0;
            });
    JsonNode view = rollout(id);
    assertThat(maxRunning.get()).as("never more than 5 devices at once").isLessThanOrEqualTo(5);
    assertThat(view.path("phase").asText()).isEqualTo("ABORTED");
    assertThat(count(view, "FAILED")).isGreaterThanOrEqualTo(3);
    int reached = count(view, "SUCCEEDED") + count(view, "FAILED");
    // Devices start in list order; the third failure is device 8. When it was recorded, at most 5
    // were
    // under way, so at most 4 beyond it can have started: 9 + 4.
    assertThat(reached).as("devices reached").isBetween(9, 13);
    assertThat(count(view, "WAITING")).isEqualTo(FLEET - reached);

    // Nothing starts after the abort: the commands received stay those of the reached devices.
    int commandsAtAbort = received();
    assertThat(commandsAtAbort).isEqualTo(reached);
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(7))
        .until(() -> received() == commandsAtAbort);
    assertThat(count(rollout(id), "WAITING")).isEqualTo(FLEET - reached);

    List<String> upgraded = new ArrayList<>();
    for (int i = 0; i < FLEET; i++) {
      String serial = regs.get(i).serial();
      JsonNode d = view.path("devices").path(serial);
      String step = d.path("step").asText();
      if (step.equals("WAITING")) {
        assertThat(sims.get(serial).commands).as(serial + " was never sent an upgrade").isEmpty();
        continue;
      }
      JsonNode cmd =
          http.get("/api/v1/devices/" + serial + "/commands/" + d.path("commandId").asText(), token)
              .expect(200)
              .body();
      if (FAILING.contains(i)) {
        assertThat(step).isEqualTo("FAILED");
        assertThat(cmd.path("status").asText()).isEqualTo("FAILED");
        assertThat(d.path("reason").asText()).contains("flash write error");
      } else {
        assertThat(step).isEqualTo("SUCCEEDED");
        assertThat(cmd.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(support.device(serial).firmware()).isEqualTo(NEW_FIRMWARE);
        upgraded.add(serial);
      }
    }
    assertThat(upgraded).isNotEmpty();

    // --- A second rollout over ten devices the first never reached (and one already upgraded):
    // pause, resume.
    List<String> waiting = new ArrayList<>();
    for (DeviceRegistration reg : regs) {
      if (view.path("devices").path(reg.serial()).path("step").asText().equals("WAITING"))
        waiting.add(reg.serial());
    }
    List<String> second = new ArrayList<>(waiting.subList(0, 10));
    second.add(upgraded.get(0));
    String id2 =
        http.post(
                "/api/v1/firmware-rollouts",
                token,
                Map.of(
                    "serials",
                    second,
                    "concurrency",
                    5,
                    "abortAfterFailures",
                    3,
                    "accountId",
                    account))
            .expect(201)
            .body()
            .path("id")
            .asText();
    JsonNode paused =
        http.post("/api/v1/firmware-rollouts/" + id2 + "/pause", token, null).expect(200).body();
    assertThat(paused.path("phase").asText()).isEqualTo("PAUSED");
    http.post("/api/v1/firmware-rollouts/" + id2 + "/pause", token, null).expect(409);

    await().atMost(WAIT).until(() -> count(rollout(id2), "RUNNING") == 0);
    int startedBeforePause = startedOf(rollout(id2));
    assertThat(startedBeforePause).as("at most the first wave").isLessThanOrEqualTo(5);
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(7))
        .until(
            () ->
                startedOf(rollout(id2)) == startedBeforePause
                    && received(waiting.subList(0, 10))
                        == startedBeforePause - skipped(rollout(id2)));
    assertThat(rollout(id2).path("phase").asText()).isEqualTo("PAUSED");

    JsonNode resumed =
        http.post("/api/v1/firmware-rollouts/" + id2 + "/resume", token, null).expect(200).body();
    assertThat(resumed.path("phase").asText()).isEqualTo("RUNNING");
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> rollout(id2).path("phase").asText().equals("COMPLETED"));
    JsonNode done = rollout(id2);
    assertThat(count(done, "SUCCEEDED")).isEqualTo(10);
    assertThat(count(done, "SKIPPED")).isEqualTo(1);
    assertThat(done.path("devices").path(upgraded.get(0)).path("reason").asText())
        .contains("no newer firmware");
    for (String serial : waiting.subList(0, 10)) {
      assertThat(sims.get(serial).commands).as(serial).hasSize(1);
      assertThat(support.device(serial).firmware()).isEqualTo(NEW_FIRMWARE);
    }
    http.post("/api/v1/firmware-rollouts/" + id2 + "/resume", token, null).expect(409);
    http.post("/api/v1/firmware-rollouts/" + id + "/abort", token, null).expect(409);
  }

  @Test
  void aRolloutOfAnotherAccountIsNotFoundAndItsDevicesCannotBeRolledOut() {
    String other = support.createAccount("Other " + GatewayFixture.uniqueSerial()).id();
    String user = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(other, user, "a-long-password-123", "ACCOUNT_ADMIN");
    String theirToken;
    try {
      theirToken =
          gw.node()
              .cluster()
              .accounts()
              .issueToken(user, "a-long-password-123")
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS)
              .orElseThrow()
              .token();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    String serial = regs.get(FLEET - 1).serial();
    http.post("/api/v1/firmware-rollouts", theirToken, Map.of("serials", List.of(serial)))
        .expect(404);
    http.get("/api/v1/firmware-rollouts/" + UUID.randomUUID(), theirToken).expect(404);
    http.post(
            "/api/v1/firmware-rollouts",
            token,
            Map.of("serials", List.of(serial, serial), "accountId", account))
        .expect(400);
    http.post(
            "/api/v1/firmware-rollouts",
            token,
            Map.of("serials", List.of(serial), "concurrency", 0, "accountId", account))
        .expect(400);
    assertThat(sims.get(serial).commands).isEmpty();
  }

  // ------------------------------------------------------------------------------------ helpers

  private static JsonNode rollout(String id) {
    return http.get("/api/v1/firmware-rollouts/" + id, token).expect(200).body();
  }

  private static int count(JsonNode view, String step) {
    return view.path("counts").path(step).asInt();
  }

  private static int startedOf(JsonNode view) {
    return count(view, "RUNNING")
        + count(view, "SUCCEEDED")
        + count(view, "FAILED")
        + count(view, "SKIPPED");
  }

  private static int skipped(JsonNode view) {
    return count(view, "SKIPPED");
  }

  private static int received() {
    return sims.values().stream().mapToInt(d -> d.commands.size()).sum();
  }

  private static int received(List<String> serials) {
    Set<String> set = new HashSet<>(serials);
    return sims.entrySet().stream()
        .filter(e -> set.contains(e.getKey()))
        .mapToInt(e -> e.getValue().commands.size())
        .sum();
  }
}
