package io.upsfleet.gateway.notify;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.upsfleet.gateway.notify.WebhookReceiver.Post;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** What the notification fault tests do as a device, and how they find its on-battery message. */
final class NotifyDevices {
  private NotifyDevices() {}

  /** A QoS 1 telemetry sample carrying only {@code ups.status}, stamped now. */
  static void publish(Mqtt3BlockingClient c, String serial, long seq, String status) {
    String payload =
        "{\"ts\":\""
            + Instant.now().truncatedTo(ChronoUnit.MILLIS)
            + "\",\"seq\":"
            + seq
            + ",\"ups.status\":\""
            + status
            + "\"}";
    c.publishWith()
        .topic("ups/" + serial + "/telemetry")
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload.getBytes(UTF_8))
        .send();
  }

  /** The generic-webhook posts to {@code /r} that carry the ON_BATTERY message. */
  static List<Post> onBattery(WebhookReceiver receiver) {
    return receiver.to("/r").stream()
        .filter(p -> p.json().path("eventType").asText().equals("ON_BATTERY"))
        .toList();
  }
}
