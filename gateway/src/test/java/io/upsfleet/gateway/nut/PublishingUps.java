package io.upsfleet.gateway.nut;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UPS on the device protocol (HiveMQ client): sends a QoS 1 sample of its current values every
 * 300 ms and collects the commands it receives.
 */
final class PublishingUps implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  final String serial;
  final BlockingQueue<JsonNode> commands = new LinkedBlockingQueue<>();
  private final Mqtt3AsyncClient client;
  private final Map<String, Object> values = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  PublishingUps(String serial, String secret, int mqttPort, Map<String, Object> initial) {
    this.serial = serial;
    values.putAll(initial);
    client =
        Mqtt3Client.builder()
            .identifier(serial)
            .serverHost("127.0.0.1")
            .serverPort(mqttPort)
            .simpleAuth()
            .username(serial)
            .password(secret.getBytes(UTF_8))
            .applySimpleAuth()
            .buildAsync();
    client.connect().join();
    client
        .subscribeWith()
        .topicFilter("ups/" + serial + "/commands")
        .qos(MqttQos.AT_LEAST_ONCE)
        .callback(
            p -> {
              try {
                commands.add(JSON.readTree(p.getPayloadAsBytes()));
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .send()
        .join();
    publish();
    timer.scheduleAtFixedRate(this::publish, 300, 300, TimeUnit.MILLISECONDS);
  }

  /** Changes a value; the next sample carries it. */
  void set(String variable, Object value) {
    values.put(variable, value);
    publish();
  }

  private synchronized void publish() {
    ObjectNode o = JSON.createObjectNode();
    o.put("ts", Instant.now().toString());
    o.put("seq", seq.incrementAndGet());
    values.forEach((k, v) -> o.putPOJO(k, v));
    try {
      client
          .publishWith()
          .topic("ups/" + serial + "/telemetry")
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(JSON.writeValueAsBytes(o))
          .send();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next command received within {@code seconds}, or null. */
  JsonNode nextCommand(int seconds) throws InterruptedException {
    return commands.poll(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      client.disconnect().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already gone
    }
  }
}
