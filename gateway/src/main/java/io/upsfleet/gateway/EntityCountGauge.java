package io.upsfleet.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.upsfleet.cluster.UpsfleetCluster;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code device_entities}: the device entities this node holds in memory. Sharding is asked every
 * few seconds from the actor system's scheduler (never on a scrape, so scrapes stay cheap and
 * bounded).
 */
final class EntityCountGauge {
  private EntityCountGauge() {}

  static void register(MeterRegistry registry, UpsfleetCluster cluster) {
    AtomicInteger count = new AtomicInteger();
    Gauge.builder("device_entities", count, AtomicInteger::get)
        .description("device entities held in memory on this node")
        .register(registry);
    cluster
        .system()
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            () -> cluster.devices().localEntityCount().thenAccept(count::set),
            cluster.system().executionContext());
  }
}
