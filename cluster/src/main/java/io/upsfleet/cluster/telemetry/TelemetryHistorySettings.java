package io.upsfleet.cluster.telemetry;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code upsfleet.telemetry-history} block of the configuration. Built once at start-up; an
 * invalid value fails fast naming its key.
 *
 * @param interval at most one point per device per interval
 * @param retention how long points are kept
 * @param queueCapacity points waiting to be written; beyond it new points are dropped and counted
 * @param batchSize rows per multi-row INSERT
 * @param flushInterval how often queued points are written
 * @param purgeInterval how often points older than the retention are deleted
 */
public record TelemetryHistorySettings(
    Duration interval,
    Duration retention,
    int queueCapacity,
    int batchSize,
    Duration flushInterval,
    Duration purgeInterval) {
  static final String PATH = "upsfleet.telemetry-history";

  public TelemetryHistorySettings {
    positive(interval, "interval");
    positive(retention, "retention");
    positive(flushInterval, "flush-interval");
    positive(purgeInterval, "purge-interval");
    if (interval.toMillis() < 1) throw invalid("interval", "must be at least 1ms");
    if (queueCapacity < 1) throw invalid("queue-capacity", "must be at least 1");
    if (batchSize < 1 || batchSize > 10_000)
      throw invalid("batch-size", "must be between 1 and 10000");
  }

  public static TelemetryHistorySettings fromConfig(Config config) {
    Config c = config.getConfig(PATH);
    return new TelemetryHistorySettings(
        c.getDuration("interval"),
        c.getDuration("retention"),
        c.getInt("queue-capacity"),
        c.getInt("batch-size"),
        c.getDuration("flush-interval"),
        c.getDuration("purge-interval"));
  }

  private static void positive(Duration d, String key) {
    if (d == null || d.isNegative() || d.isZero())
      throw invalid(key, "must be a positive duration");
  }

  private static IllegalArgumentException invalid(String key, String message) {
    return new IllegalArgumentException(PATH + "." + key + " " + message);
  }
}
