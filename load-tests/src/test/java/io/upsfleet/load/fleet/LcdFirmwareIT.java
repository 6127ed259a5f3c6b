package io.upsfleet.load.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.load.device.SimulatedModel;
import io.upsfleet.load.device.SimulatedUps;
import io.upsfleet.load.mqtt.DeviceConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Firmware from the LCD on Basic, end to end over MQTT (the seed: "all registered, connected
 * devices receive firmware from the back end"; on Basic "you must start the installation from the
 * LCD screen on the UPS"): the gateway offers the catalogue's version to every connected device
 * with older firmware, the simulated UPS shows it, a person at its LCD installs it, the UPS reboots
 * and reports the new version, and the gateway records the upgrade from what the device reports —
 * the device view shows the new version with no update pending, and the event log a
 * FIRMWARE_UPDATED.
 */
class LcdFirmwareIT {
  private static final String CATALOGUE_SMT_18 = "UPS 09.8 / ID=18";

  @Test
  void aPersonAtTheLcdInstallsTheOfferedFirmwareAndTheGatewayRecordsIt() throws Exception {
    try (GatewayFixture gw =
        GatewayFixture.start(
            "LcdFirmwareIT",
            Map.of(
                // No Standard trial: the devices are on Basic from registration, where the offer
                // goes to the display (Standard and Advanced get the remote one-click upgrade).
                "upsfleet.devices.trial-length", "0d",
                "upsfleet.gateway.http.requests-per-second", 1000,
                "upsfleet.gateway.http.burst", 1000))) {
      UpsfleetClient support = gw.support();
      List<Member> members = Provisioner.provision(support, "LCD", 12, 1, 7, n -> {});
      List<Member> outdated =
          members.stream()
              .filter(
                  m ->
                      SimulatedModel.RANGE.stream()
                          .anyMatch(
                              x ->
                                  x.name().equals(m.model())
                                      && x.firmware().equals("UPS 09.2 / ID=18")))
              .toList();
      assertThat(outdated).as("the fleet has devices with older firmware").isNotEmpty();
      assertThat(support.device(outdated.get(0).serial()).plan().plan()).isEqualTo("BASIC");
      DeviceConnection.Options options =
          new DeviceConnection.Options(
              Duration.ofSeconds(2), true, Duration.ofMillis(500), 30, true, true);
      try (Fleet fleet =
          Fleet.start(
              members,
              new InetSocketAddress("127.0.0.1", gw.mqttPort()),
              options,
              1,
              100,
              SimulatedUps.Faults.QUIET.withPersonAtLcd(true),
              1)) {
        for (Member m : outdated) {
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    DeviceView d = support.device(m.serial());
                    assertThat(d.firmware()).as(m.serial()).isEqualTo(CATALOGUE_SMT_18);
                    assertThat(d.firmwareAvailable()).as(m.serial()).isNull();
                  });
        }
        assertThat(fleet.stats().refusals()).isZero();
      }
    }
  }
}
