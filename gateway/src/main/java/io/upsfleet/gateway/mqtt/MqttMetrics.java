package io.upsfleet.gateway.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The MQTT edge's meters, created once; recording is lock-free. */
final class MqttMetrics {
  private final MeterRegistry registry;
  final AtomicInteger connections = new AtomicInteger();
  private final Map<DisconnectReason, Counter> disconnects = new EnumMap<>(DisconnectReason.class);
  private final Map<String, Counter> connects = new ConcurrentHashMap<>();
  private final Map<String, Counter> messagesIn = new ConcurrentHashMap<>();
  private final Map<PayloadRejection, Counter> rejections = new EnumMap<>(PayloadRejection.class);
  final Timer persistLatency;
  final Counter credentialLookups;

  MqttMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("mqtt_connections", connections);
    for (DisconnectReason r : DisconnectReason.values()) {
      disconnects.put(
          r,
          Counter.builder("mqtt_disconnects")
              .tag("reason", r.label())
              .description("connections closed, by reason")
              .register(registry));
    }
    for (PayloadRejection r : PayloadRejection.values()) {
      rejections.put(
          r,
          Counter.builder("mqtt_rejected_payloads")
              .tag("reason", r.metricLabel())
              .description("payloads rejected by validation, by reason")
              .register(registry));
    }
    credentialLookups =
        Counter.builder("mqtt_credential_lookups")
            .description("database lookups of device credentials (CONNECTs the caches missed)")
            .register(registry);
    persistLatency =
        Timer.builder("device_event_persist_latency")
            .description("time from receiving a device event to its persistence")
            .publishPercentiles(0.5, 0.99, 0.999)
            .register(registry);
  }

  void disconnected(DisconnectReason reason) {
    disconnects.get(reason).increment();
  }

  /** Counts a CONNECT outcome: {@code accepted} or the refusal reason. */
  void connect(String outcome) {
    connects
        .computeIfAbsent(
            outcome,
            o ->
                Counter.builder("mqtt_connects")
                    .tag("outcome", o)
                    .description("CONNECT attempts, by outcome")
                    .register(registry))
        .increment();
  }

  void messageIn(String kind) {
    messagesIn
        .computeIfAbsent(
            kind,
            k ->
                Counter.builder("mqtt_messages_in")
                    .tag("kind", k)
                    .description("PUBLISH packets received, by topic kind")
                    .register(registry))
        .increment();
  }

  private final Map<String, Counter> messagesOut = new ConcurrentHashMap<>();

  void messageOut(String kind) {
    messagesOut
        .computeIfAbsent(
            kind,
            k ->
                Counter.builder("mqtt_messages_out")
                    .tag("kind", k)
                    .description("PUBLISH packets sent to devices, by kind")
                    .register(registry))
        .increment();
  }

  void rejected(PayloadRejection reason) {
    rejections.get(reason).increment();
  }
}
