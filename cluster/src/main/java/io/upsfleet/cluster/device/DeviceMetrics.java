package io.upsfleet.cluster.device;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The device entities' counters: samples ignored because they were older than the newest ({@code
 * telemetry_stale_total}), identities used by two live devices ({@code devices_cloned_total}), and
 * journals that could not be replayed ({@code device_replay_failures_total}). Thread-safe.
 */
public record DeviceMetrics(Counter staleSamples, Counter clonedDevices, Counter replayFailures) {

  public static DeviceMetrics on(MeterRegistry registry) {
    return new DeviceMetrics(
        Counter.builder("telemetry_stale_total")
            .description("telemetry samples older than the device's newest, ignored")
            .register(registry),
        Counter.builder("devices_cloned_total")
            .description("devices whose identity is used by two live connections")
            .register(registry),
        Counter.builder("device_replay_failures_total")
            .description("device journals that could not be replayed")
            .register(registry));
  }

  /** Counters nobody reads (tests, tools). */
  public static DeviceMetrics unobserved() {
    return on(new SimpleMeterRegistry());
  }
}
