package io.upsfleet.load.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.gateway.testing.GatewayFixture;
import io.upsfleet.load.device.SimulatedUps;
import io.upsfleet.load.mqtt.DeviceConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** 50 simulated devices against a real gateway for about 20 s: behaviour, not timings. */
class SmallFleetIT {

  @Test
  void aSmallFleetConnectsReportsGoesOnBatteryAndAnswersCommands() throws Exception {
    try (GatewayFixture gw =
        GatewayFixture.start(
            "SmallFleetIT",
            Map.of(
                "upsfleet.gateway.http.requests-per-second",
                1000,
                "upsfleet.gateway.http.burst",
                1000))) {
      UpsfleetClient support = gw.support();
      List<Member> members = Provisioner.provision(support, "SF", 50, 2, 1, n -> {});
      assertEquals(50, members.size());
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
              SimulatedUps.Faults.QUIET,
              1)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.stats().online() == 50);
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () ->
                    assertThat(
                            support
                                .devices(Map.of("status", "ONLINE", "q", "SF", "size", "100"))
                                .total())
                        .isEqualTo(50));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> fleet.stats().acknowledged("telemetry") >= 50);

        int hit = fleet.outage(0.2, Duration.ofSeconds(30)).size();
        assertThat(hit).isPositive();
        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () ->
                    assertThat(support.devices(Map.of("status", "ON_BATTERY", "q", "SF")).total())
                        .isEqualTo(hit));

        String serial = members.get(0).serial();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> support.device(serial).telemetry() != null);
        assertThat(fleet.stats().refusals()).isZero();
        assertThat(fleet.stats().disconnects()).isZero();
      }
    }
  }
}
