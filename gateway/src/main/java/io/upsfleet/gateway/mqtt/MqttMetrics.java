package io.upsfleet.gateway.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
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
  private final Map<String, Counter> messagesOut = new ConcurrentHashMap<>();
  private final Map<PayloadRejection, Counter> rejections = new EnumMap<>(PayloadRejection.class);
  final Timer persistLatency;
  final Timer pubackLatency;

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
    persistLatency =
        Timer.builder("device_event_persist_latency")
            .description("time from receiving a device event to its persistence")
            .publishPercentiles(0.5, 0.99, 0.999)
            .register(registry);
    // The usual series exist from the start, so dashboards and alerts see 0 rather than nothing.
    for (String kind : new String[] {"telemetry", "events", "command_result"}) {
      messagesIn.put(kind, messagesInCounter(kind));
    }
    messagesOut.put("command", messagesOutCounter("command"));
    connects.put("accepted", connectsCounter("accepted"));
    pubackLatency =
        Timer.builder("mqtt_puback_latency")
            .description(
                "time from reading a QoS 1 publish to writing its PUBACK (includes storing what it"
                    + " changed)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
  }

  void disconnected(DisconnectReason reason) {
    disconnects.get(reason).increment();
  }

  /** Counts a CONNECT outcome: {@code accepted} or the refusal reason. */
  void connect(String outcome) {
    connects.computeIfAbsent(outcome, this::connectsCounter).increment();
  }

  private Counter connectsCounter(String outcome) {
    return Counter.builder("mqtt_connects")
        .tag("outcome", outcome)
        .description("CONNECT attempts, by outcome")
        .register(registry);
  }

  void messageIn(String kind) {
    messagesIn.computeIfAbsent(kind, this::messagesInCounter).increment();
  }

  private Counter messagesInCounter(String kind) {
    return Counter.builder("mqtt_messages_in")
        .tag("kind", kind)
        .description("PUBLISH packets received, by topic kind")
        .register(registry);
  }

  void messageOut(String kind) {
    messagesOut.computeIfAbsent(kind, this::messagesOutCounter).increment();
  }

  private Counter messagesOutCounter(String kind) {
    return Counter.builder("mqtt_messages_out")
        .tag("kind", kind)
        .description("PUBLISH packets sent to devices, by kind")
        .register(registry);
  }

  void rejected(PayloadRejection reason) {
    rejections.get(reason).increment();
  }
}
