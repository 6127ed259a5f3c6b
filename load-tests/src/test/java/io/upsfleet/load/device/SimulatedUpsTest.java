package io.upsfleet.load.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Physics sanity and command behaviour of the simulated UPS. */
class SimulatedUpsTest {
  private static final SimulatedModel SMT1500 = SimulatedModel.RANGE.get(1);
  private final Instant start = Instant.parse("2026-11-28T12:00:00Z");

  private SimulatedUps ups() {
    SimulatedUps u = new SimulatedUps("SIM0000000001", SMT1500, 7, SimulatedUps.Faults.NONE);
    u.setBatteryHealth(1.0);
    return u;
  }

  @Test
  void runtimeFallsWithLoad() {
    SimulatedUps u = ups();
    u.setBaseLoad(20);
    u.tick(start, Duration.ofSeconds(1));
    double light = u.runtimeSeconds();
    u.setBaseLoad(80);
    u.tick(start.plusSeconds(1), Duration.ofSeconds(1));
    assertThat(u.runtimeSeconds()).isLessThan(light / 2);
  }

  @Test
  void runtimeFallsAsTheBatteryAges() {
    SimulatedUps u = ups();
    u.setBaseLoad(40);
    u.tick(start, Duration.ofSeconds(1));
    double young = u.runtimeSeconds();
    u.setBatteryHealth(0.4);
    assertThat(u.runtimeSeconds()).isLessThan(young * 0.5);
    assertThat(u.status()).contains("RB");
  }

  @Test
  void onBatteryItDischargesRaisesLowBatteryBeforeTheOutputSwitchesOff() {
    SimulatedUps u = ups();
    u.setBaseLoad(60);
    u.loseMains(start, Duration.ofHours(2));
    Instant t = start;
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3600 && !u.outputOff(); i++) {
      t = t.plusSeconds(1);
      u.tick(t, Duration.ofSeconds(1));
      seen.add(u.status());
    }
    assertTrue(u.outputOff(), "the battery ran out within an hour at 60 % load");
    int firstLow = indexOf(seen, "LB");
    int off = indexOf(seen, "OFF");
    assertThat(seen.get(0)).startsWith("OB DISCHRG");
    assertThat(firstLow).isGreaterThan(0).isLessThan(off);
    assertEquals(0.0, u.charge(), 0.001);
  }

  @Test
  void mainsReturningRechargesTheBattery() {
    SimulatedUps u = ups();
    u.setBaseLoad(50);
    u.loseMains(start, Duration.ofSeconds(60));
    u.tick(start.plusSeconds(30), Duration.ofSeconds(30));
    double low = u.charge();
    u.tick(start.plusSeconds(61), Duration.ofSeconds(31));
    u.tick(start.plusSeconds(200), Duration.ofSeconds(139));
    assertThat(u.status()).startsWith("OL");
    assertThat(u.charge()).isGreaterThan(low);
  }

  @Test
  void loadAboveTheRatingIsAnOverload() {
    SimulatedUps u = ups();
    u.setBaseLoad(130);
    u.tick(start, Duration.ofSeconds(1));
    assertThat(u.status()).contains("OVER");
  }

  @Test
  void anOutletRebootSwitchesTheGroupOffThenOnAndSucceedsOnce() {
    SimulatedUps u = ups();
    var cmd =
        new SimulatedUps.Command(
            "c1",
            "OUTLET_GROUP_REBOOT",
            Map.of("group", 1, "offDelaySeconds", 2, "onDelaySeconds", 3),
            start.plusSeconds(600));
    assertTrue(u.receive(cmd, start));
    assertFalse(u.receive(cmd, start), "an id is executed at most once");
    assertThat(u.tick(start, Duration.ofSeconds(1)).results())
        .extracting(SimulatedUps.CommandResult::status)
        .containsExactly("ACCEPTED");
    u.tick(start.plusSeconds(3), Duration.ofSeconds(3));
    assertEquals("off", u.telemetry().get("outlet.group.1.status"));
    var done = u.tick(start.plusSeconds(6), Duration.ofSeconds(3));
    assertEquals("on", u.telemetry().get("outlet.group.1.status"));
    assertThat(done.results())
        .extracting(SimulatedUps.CommandResult::status)
        .containsExactly("SUCCEEDED");
  }

  @Test
  void aCommandPastItsExpiryIsRejectedNotRun() {
    SimulatedUps u = ups();
    u.receive(new SimulatedUps.Command("c2", "SELF_TEST", Map.of(), start.minusSeconds(1)), start);
    assertThat(u.tick(start, Duration.ofSeconds(1)).results())
        .extracting(SimulatedUps.CommandResult::status)
        .containsExactly("REJECTED");
    assertThat(u.status()).doesNotContain("TEST");
  }

  @Test
  void aFirmwareUpgradeReportsProgressRebootsAndRunsTheNewVersion() {
    SimulatedUps u = ups();
    u.receive(
        new SimulatedUps.Command(
            "c3", "FIRMWARE_UPGRADE", Map.of("version", "UPS 09.8 / ID=18"), null),
        start);
    List<String> phases = new ArrayList<>();
    boolean rebooted = false;
    Instant t = start;
    for (int i = 0; i < 20 && !rebooted; i++) {
      t = t.plusSeconds(1);
      var out = u.tick(t, Duration.ofSeconds(1));
      out.results().forEach(r -> phases.add(r.status() + ":" + r.phase()));
      rebooted = out.reboot();
    }
    assertTrue(rebooted);
    assertThat(phases)
        .contains(
            "ACCEPTED:null",
            "IN_PROGRESS:downloading",
            "IN_PROGRESS:installing",
            "IN_PROGRESS:rebooting");
    assertEquals("UPS 09.8 / ID=18", u.firmware());
  }

  /**
   * FAQ §7: on Basic "you must start the installation from the LCD screen on the UPS": the offer is
   * shown; a person at the LCD installs it, the UPS reboots and runs the new version.
   */
  @Test
  void aFirmwareOfferIsShownAndAPersonAtTheLcdInstallsIt() {
    SimulatedUps u =
        new SimulatedUps(
            "SIM0000000002", SMT1500, 7, SimulatedUps.Faults.QUIET.withPersonAtLcd(true));
    u.receive(
        new SimulatedUps.Command(
            "o1", "FIRMWARE_OFFER", Map.of("version", "UPS 09.8 / ID=18"), null),
        start);
    List<String> results = new ArrayList<>();
    boolean rebooted = false;
    Instant t = start;
    for (int i = 0; i < 20 && !rebooted; i++) {
      t = t.plusSeconds(1);
      var out = u.tick(t, Duration.ofSeconds(1));
      out.results().forEach(r -> results.add(r.id() + ":" + r.status()));
      rebooted = out.reboot();
    }
    assertTrue(rebooted);
    assertThat(results)
        .as("the offer is shown; the LCD install reports nothing")
        .containsExactly("o1:SUCCEEDED");
    assertEquals("UPS 09.8 / ID=18", u.firmware());
  }

  @Test
  void withNobodyAtTheLcdTheOfferStaysOnTheDisplay() {
    SimulatedUps u = ups();
    String before = u.firmware();
    u.receive(
        new SimulatedUps.Command(
            "o2", "FIRMWARE_OFFER", Map.of("version", "UPS 09.8 / ID=18"), null),
        start);
    for (int i = 1; i <= 10; i++)
      assertThat(u.tick(start.plusSeconds(i), Duration.ofSeconds(1)).reboot()).isFalse();
    assertEquals(before, u.firmware());
    assertEquals("UPS 09.8 / ID=18", u.offerShown());
  }

  @Test
  void aSelfTestOfAWornBatteryFails() {
    SimulatedUps u = ups();
    u.setBatteryHealth(0.3);
    u.receive(new SimulatedUps.Command("c4", "SELF_TEST", Map.of(), null), start);
    u.tick(start, Duration.ofSeconds(1));
    assertThat(u.status()).contains("TEST");
    var out = u.tick(start.plusSeconds(10), Duration.ofSeconds(9));
    assertThat(out.results())
        .anySatisfy(
            r -> {
              assertEquals("SUCCEEDED", r.status());
              assertEquals("failed", r.result());
            });
  }

  @Test
  void telemetryStaysWithinTheGatewaysAcceptedRanges() {
    SimulatedUps u = ups();
    u.setBaseLoad(95);
    u.loseMains(start, Duration.ofMinutes(5));
    Instant t = start;
    for (int i = 0; i < 600; i++) {
      t = t.plusSeconds(1);
      u.tick(t, Duration.ofSeconds(1));
      Map<String, Object> v = u.telemetry();
      assertThat(((Number) v.get("battery.charge")).doubleValue()).isBetween(0.0, 100.0);
      assertThat(((Number) v.get("ups.load")).doubleValue()).isBetween(0.0, 200.0);
      assertThat(((Number) v.get("battery.temperature")).doubleValue()).isBetween(-40.0, 100.0);
      assertThat(((Number) v.get("input.voltage")).doubleValue()).isBetween(0.0, 300.0);
    }
  }

  private static int indexOf(List<String> statuses, String flag) {
    for (int i = 0; i < statuses.size(); i++) {
      if (List.of(statuses.get(i).split(" ")).contains(flag)) return i;
    }
    return -1;
  }
}
