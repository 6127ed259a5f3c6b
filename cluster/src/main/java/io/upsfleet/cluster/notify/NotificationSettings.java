package io.upsfleet.cluster.notify;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * Typed settings of notifications, block {@code upsfleet.notifications} (every key is documented in
 * {@code reference.conf}). Fails fast naming the bad key.
 */
public record NotificationSettings(
    boolean allowLoopback,
    List<String> allowedHosts,
    Duration connectTimeout,
    Duration readTimeout,
    int maxResponseBytes,
    Duration blipWindow,
    Duration incidentWindow,
    int incidentMinDevices,
    Duration incidentGather,
    Duration incidentUpdateInterval,
    Duration flapWindow,
    int flapThreshold,
    Duration maxEventAge,
    Duration digestDelay,
    Duration digestMaxAge,
    Duration pollInterval,
    Duration lease,
    int maxAttempts,
    Duration baseBackoff,
    Duration maxBackoff,
    Duration destinationInterval,
    int maxBatch,
    int senderThreads,
    Duration retention) {

  public NotificationSettings {
    allowedHosts = List.copyOf(allowedHosts);
    positive(connectTimeout, "connect-timeout");
    positive(readTimeout, "read-timeout");
    check(maxResponseBytes >= 256 && maxResponseBytes <= 1 << 20, "max-response-bytes", "1..");
    check(!blipWindow.isNegative(), "blip-window", "must not be negative");
    positive(incidentWindow, "incident.window");
    check(incidentMinDevices >= 2 && incidentMinDevices <= 10_000, "incident.min-devices", "2..");
    check(
        !incidentGather.isNegative() && incidentGather.compareTo(Duration.ofMinutes(1)) <= 0,
        "incident.gather",
        "must be 0 to 1 minute");
    positive(incidentUpdateInterval, "incident.update-interval");
    positive(flapWindow, "flapping.window");
    check(flapThreshold >= 2 && flapThreshold <= 1000, "flapping.threshold", "2..1000");
    positive(maxEventAge, "max-event-age");
    check(!digestDelay.isNegative(), "digest.delay", "must not be negative");
    positive(digestMaxAge, "digest.max-age");
    positive(pollInterval, "dispatch.poll-interval");
    positive(lease, "dispatch.lease");
    check(maxAttempts >= 1 && maxAttempts <= 1000, "dispatch.max-attempts", "1..1000");
    positive(baseBackoff, "dispatch.base-backoff");
    positive(maxBackoff, "dispatch.max-backoff");
    check(!destinationInterval.isNegative(), "dispatch.destination-interval", "must be >= 0");
    check(maxBatch >= 1 && maxBatch <= 100, "dispatch.max-batch", "1..100");
    check(
        lease.compareTo(connectTimeout.plus(readTimeout)) > 0,
        "dispatch.lease",
        "must exceed connect-timeout + read-timeout");
    positive(retention, "retention");
    check(senderThreads >= 1 && senderThreads <= 64, "dispatch.sender-threads", "1..64");
  }

  public static NotificationSettings fromConfig(Config root) {
    Config c = root.getConfig("upsfleet.notifications");
    return new NotificationSettings(
        c.getBoolean("allow-loopback"),
        c.getStringList("allowed-hosts"),
        c.getDuration("connect-timeout"),
        c.getDuration("read-timeout"),
        c.getInt("max-response-bytes"),
        c.getDuration("blip-window"),
        c.getDuration("incident.window"),
        c.getInt("incident.min-devices"),
        c.getDuration("incident.gather"),
        c.getDuration("incident.update-interval"),
        c.getDuration("flapping.window"),
        c.getInt("flapping.threshold"),
        c.getDuration("max-event-age"),
        c.getDuration("digest.delay"),
        c.getDuration("digest.max-age"),
        c.getDuration("dispatch.poll-interval"),
        c.getDuration("dispatch.lease"),
        c.getInt("dispatch.max-attempts"),
        c.getDuration("dispatch.base-backoff"),
        c.getDuration("dispatch.max-backoff"),
        c.getDuration("dispatch.destination-interval"),
        c.getInt("dispatch.max-batch"),
        c.getInt("dispatch.sender-threads"),
        c.getDuration("retention"));
  }

  /** The wait before attempt {@code attempts + 1}: base × 2^(attempts-1), capped. */
  public Duration backoff(int attempts) {
    Duration d = baseBackoff.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  private static void positive(Duration d, String key) {
    check(!d.isNegative() && !d.isZero(), key, "must be positive");
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) throw new IllegalArgumentException("upsfleet.notifications." + key + " " + message);
  }
}
