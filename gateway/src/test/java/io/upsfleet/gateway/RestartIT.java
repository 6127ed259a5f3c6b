package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Everything a node knows comes back from PostgreSQL after a restart: devices, plans, events,
 * logins.
 */
class RestartIT {

  @Test
  void deviceItsPlanAndItsEventsSurviveARestart() {
    try (GatewayFixture gw = GatewayFixture.start("RestartIT")) {
      UpsfleetClient support = gw.support();
      String account = support.createAccount("Restart Co").id();
      String serial = GatewayFixture.uniqueSerial();
      DeviceRegistration reg = support.registerDevice(serial, "SMT1500C", account);
      Mqtt3BlockingClient device = connect(gw, reg);
      device
          .publishWith()
          .topic(reg.mqtt().telemetryTopic())
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(
              "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":1,\"ups.status\":\"OB DISCHRG\",\"ups.firmware\":\"UPS 09.2 / ID=18\"}"
                  .getBytes(StandardCharsets.UTF_8))
          .send();
      device
          .publishWith()
          .topic(reg.mqtt().eventsTopic())
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(
              "{\"ts\":\"2026-11-28T10:00:01Z\",\"seq\":2,\"type\":\"SELF_TEST_FAILED\"}"
                  .getBytes(StandardCharsets.UTF_8))
          .send();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(support.events(serial, Map.of()).items())
                      .extracting(e -> e.type())
                      .contains("ON_BATTERY", "SELF_TEST_FAILED"));
      DeviceView before = support.device(serial);

      gw.restart();

      // The device was connected when the node stopped: its session ended with the node.
      UpsfleetClient again = gw.support();
      DeviceView after = again.device(serial);
      assertEquals(before.registeredAt(), after.registeredAt());
      assertEquals(before.plan(), after.plan());
      assertEquals(before.status(), after.status());
      assertEquals("UPS 09.2 / ID=18", after.firmware());
      assertFalse(after.connection().online());
      assertThat(again.events(serial, Map.of()).items())
          .extracting(e -> e.type())
          .contains("ON_BATTERY", "SELF_TEST_FAILED");
      assertThat(again.devices(Map.of("q", serial)).items()).hasSize(1);

      // And the device can connect again with the same secret.
      Mqtt3BlockingClient back = connect(gw, reg);
      await().atMost(Duration.ofSeconds(2)).until(() -> again.device(serial).connection().online());
      back.disconnect();
    }
  }

  private static Mqtt3BlockingClient connect(GatewayFixture gw, DeviceRegistration reg) {
    Mqtt3BlockingClient c =
        Mqtt3Client.builder()
            .identifier(reg.serial())
            .serverHost("127.0.0.1")
            .serverPort(gw.mqttPort())
            .simpleAuth()
            .username(reg.serial())
            .password(reg.secret().getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth()
            .buildBlocking();
    c.connect();
    return c;
  }
}
