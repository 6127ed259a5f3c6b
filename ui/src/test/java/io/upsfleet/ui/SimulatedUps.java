package io.upsfleet.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated UPS for the browser tests: a real MQTT 3.1.1 client (HiveMQ) that connects as the
 * device, publishes telemetry on demand and answers every command it receives with {@code
 * SUCCEEDED}.
 */
final class SimulatedUps implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String serial;
  private final Mqtt3AsyncClient client;
  private final AtomicLong seq = new AtomicLong();

  SimulatedUps(String serial, String secret, int port) throws Exception {
    this.serial = serial;
    this.client =
        Mqtt3Client.builder()
            .identifier(serial)
            .serverHost("127.0.0.1")
            .serverPort(port)
            .simpleAuth()
            .username(serial)
            .password(secret.getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth()
            .buildAsync();
    client.connectWith().cleanSession(true).keepAlive(30).send().get(15, TimeUnit.SECONDS);
    client
        .subscribeWith()
        .topicFilter("ups/" + serial + "/commands")
        .qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> answer(p.getPayloadAsBytes()))
        .send()
        .get(15, TimeUnit.SECONDS);
  }

  /** Publishes one telemetry sample (QoS 1) and waits for its PUBACK. */
  void telemetry(
      String status, int load, int charge, int runtime, double inputVoltage, double temperature)
      throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ts", Instant.now().toString());
    m.put("seq", seq.incrementAndGet());
    m.put("ups.status", status);
    m.put("ups.load", load);
    m.put("battery.charge", charge);
    m.put("battery.runtime", runtime);
    m.put("input.voltage", inputVoltage);
    m.put("output.voltage", 230);
    m.put("ups.temperature", temperature);
    m.put("ups.firmware", "UPS 09.2 / ID=18");
    m.put("outlet.group.1.status", "on");
    m.put("outlet.group.2.status", "on");
    publish("ups/" + serial + "/telemetry", m);
  }

  private void answer(byte[] payload) {
    try {
      JsonNode cmd = JSON.readTree(payload);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("ts", Instant.now().toString());
      r.put("seq", seq.incrementAndGet());
      r.put("id", cmd.get("id").asText());
      r.put("status", "SUCCEEDED");
      if ("SELF_TEST".equals(cmd.path("type").asText())) r.put("result", "passed");
      // Never block here: this callback runs on the client's I/O thread.
      client
          .publishWith()
          .topic("ups/" + serial + "/commands/result")
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(JSON.writeValueAsBytes(r))
          .send();
    } catch (Exception e) {
      throw new IllegalStateException("the simulated UPS could not answer a command", e);
    }
  }

  private void publish(String topic, Map<String, Object> body) throws Exception {
    client
        .publishWith()
        .topic(topic)
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(JSON.writeValueAsBytes(body))
        .send()
        .get(15, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      client.disconnect().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the gateway may already be gone at the end of a test run
    }
  }
}
