package io.upsfleet.load;

import static io.upsfleet.load.Main.round1;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.load.fleet.Fleet;
import io.upsfleet.load.mqtt.Stats;
import io.upsfleet.load.notify.NotifyAccounting;
import io.upsfleet.load.result.NotifyResult;
import io.upsfleet.load.result.Percentiles;
import io.upsfleet.load.result.RunResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * S3: a share of the fleet loses mains at once; measures how long until the gateway's read model
 * shows every one of them on battery (each status change committed and projected), and the PUBACK
 * latency of everyone meanwhile; with notifications on, what the webhook receiver got.
 */
final class OutageWave {
  private OutageWave() {}

  static RunResult.OutageWave run(
      GatewayOptions gw,
      double outageShare,
      Duration outageDuration,
      Fleet fleet,
      Stats stats,
      NotifyRun notify,
      Duration settle)
      throws InterruptedException {
    UpsfleetClient support = gw.signIn();
    stats.takePubAck("telemetry");
    stats.takeOnBatteryPublished();
    if (notify != null) notify.receiver().clear();
    long t0 = System.nanoTime();
    Set<String> hit = new HashSet<>(fleet.outage(outageShare, outageDuration));
    System.out.printf("  [gateway] outage wave: %d devices lost mains%n", hit.size());
    long deadline = t0 + outageDuration.toNanos();
    Set<String> seen = new HashSet<>();
    double committed = -1;
    while (System.nanoTime() < deadline) {
      seen = onBattery(support);
      seen.retainAll(hit);
      if (seen.size() == hit.size()) {
        committed = (System.nanoTime() - t0) / 1e9;
        break;
      }
      Thread.sleep(100);
    }
    Histogram during = stats.takePubAck("telemetry");
    NotifyResult notifications = null;
    if (notify != null) {
      long until = t0 + outageDuration.toNanos() + settle.toNanos();
      while (System.nanoTime() < until) {
        Progress.line(
            "[gateway] S3 notifications: %d posts received, %.0f s to go",
            notify.receiver().arrivals().size(), (until - System.nanoTime()) / 1e9);
        Thread.sleep(Math.min(1000, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      }
      Progress.done();
      Map<String, Long> published = new HashMap<>(stats.takeOnBatteryPublished());
      published.keySet().retainAll(hit);
      notifications =
          NotifyAccounting.account(
              published, notify.setup().siteOf(), notify.receiver().arrivals());
      print(notifications);
    }
    return new RunResult.OutageWave(
        hit.size(),
        seen.size(),
        committed < 0 ? null : round1(committed),
        Percentiles.of(during),
        notifications);
  }

  private static void print(NotifyResult n) {
    System.out.printf(
        "  [gateway] S3 notifications: %d devices on battery, covered p50 %s / p99 %s / max %s ms,"
            + " %d never covered; named p50 %s / p99 %s ms, %d never named; %d messages in %d posts"
            + " over %d sites, at most %d incident messages per site and minute; %d duplicates,"
            + " %d bad signatures%n",
        n.devices(),
        n.coveredMs().p50(),
        n.coveredMs().p99(),
        n.coveredMs().max(),
        n.neverCovered(),
        n.namedMs().p50(),
        n.namedMs().p99(),
        n.neverNamed(),
        n.messages(),
        n.posts(),
        n.sites(),
        n.maxIncidentMessagesPerSitePerMinute(),
        n.duplicates(),
        n.signatureFailures());
  }

  /** Every device the gateway's directory shows on battery (or on low battery), page by page. */
  private static Set<String> onBattery(UpsfleetClient support) {
    Set<String> out = new HashSet<>();
    for (String status : List.of("ON_BATTERY", "LOW_BATTERY")) {
      for (int page = 0; ; page++) {
        var p =
            support.devices(
                Map.of("status", status, "size", "500", "page", Integer.toString(page)));
        p.items().forEach(d -> out.add(d.serial()));
        if ((long) (page + 1) * 500 >= p.total()) break;
      }
    }
    return out;
  }
}
