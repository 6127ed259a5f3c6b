package io.upsfleet.cluster.device;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.format.DateTimeParseException;

/**
 * Typed settings of the device entities, block {@code upsfleet.devices} of {@code reference.conf}.
 * Built once at start-up; a bad value fails fast naming its key.
 *
 * @param offlineGrace how long a device may be offline before {@code CONNECTION_LOST} is raised
 * @param idlePassivation how long a disconnected device's entity stays in memory without messages
 * @param trialLength length of the Standard trial that starts at registration
 * @param temperatureHigh battery/UPS temperature (°C) above which {@code TEMPERATURE_HIGH} is
 *     raised
 * @param temperatureClear temperature (°C) below which the alarm clears (hysteresis)
 * @param askTimeout how long callers wait for an entity's reply
 * @param storeTimeout how long the edge waits for a QoS 1 publish's changes to be stored
 * @param tagSlices number of event tags (and projection instances) the journal is split into
 * @param warranty electronics warranty from registration
 * @param batteryWarranty battery warranty from registration
 * @param trialBatteryBonus extra battery warranty for a lead-acid device registered for the trial
 * @param warrantyMonitoringCutoff extended warranties extend monitoring only when applied
 *     (bought/activated) before it
 * @param deliveryWindow how many operations may be published to a device and not yet acknowledged
 *     (PUBACK) at a time; the rest wait {@code PENDING} in the entity
 * @param maxOpenOperations how many unfinished operations a device may have; more are refused
 * @param cloneTakeovers how many session take-overs within {@code cloneWindow} mark a device as
 *     cloned (two live devices sharing one identity)
 * @param cloneWindow the window over which take-overs are counted
 */
public record DeviceSettings(
    Duration offlineGrace,
    Duration idlePassivation,
    Period trialLength,
    double temperatureHigh,
    double temperatureClear,
    Duration askTimeout,
    Duration storeTimeout,
    int tagSlices,
    Period warranty,
    Period batteryWarranty,
    Period trialBatteryBonus,
    Instant warrantyMonitoringCutoff,
    int deliveryWindow,
    int maxOpenOperations,
    int cloneTakeovers,
    Duration cloneWindow) {

  public DeviceSettings {
    require(
        !offlineGrace.isNegative() && !offlineGrace.isZero(), "offline-grace", "must be positive");
    require(
        idlePassivation.compareTo(Duration.ofSeconds(1)) >= 0,
        "idle-passivation",
        "must be at least 1s");
    require(!trialLength.isNegative(), "trial-length", "must not be negative");
    require(
        temperatureClear < temperatureHigh, "temperature-clear", "must be below temperature-high");
    require(!askTimeout.isNegative() && !askTimeout.isZero(), "ask-timeout", "must be positive");
    require(
        storeTimeout.compareTo(Duration.ofSeconds(1)) >= 0
            && storeTimeout.compareTo(Duration.ofMinutes(10)) <= 0,
        "store-timeout",
        "must be between 1s and 10m");
    require(tagSlices >= 1 && tagSlices <= 64, "tag-slices", "must be between 1 and 64");
    require(
        deliveryWindow >= 1 && deliveryWindow <= 32,
        "operations.delivery-window",
        "must be between 1 and 32");
    require(
        maxOpenOperations >= 1 && maxOpenOperations <= 1000,
        "operations.max-open",
        "must be between 1 and 1000");
    require(
        cloneTakeovers >= 2 && cloneTakeovers <= 1000,
        "clone-detection.take-overs",
        "must be between 2 and 1000");
    require(
        !cloneWindow.isNegative() && !cloneWindow.isZero(),
        "clone-detection.window",
        "must be positive");
  }

  /** Reads block {@code upsfleet.devices}. */
  public static DeviceSettings fromConfig(Config root) {
    Config c = root.getConfig("upsfleet.devices");
    return new DeviceSettings(
        c.getDuration("offline-grace"),
        c.getDuration("idle-passivation"),
        c.getPeriod("trial-length"),
        c.getDouble("temperature-high"),
        c.getDouble("temperature-clear"),
        c.getDuration("ask-timeout"),
        c.getDuration("store-timeout"),
        c.getInt("tag-slices"),
        c.getPeriod("warranty"),
        c.getPeriod("battery-warranty"),
        c.getPeriod("trial-battery-bonus"),
        instant(c, "warranty-monitoring-cutoff"),
        c.getInt("operations.delivery-window"),
        c.getInt("operations.max-open"),
        c.getInt("clone-detection.take-overs"),
        c.getDuration("clone-detection.window"));
  }

  private static Instant instant(Config c, String key) {
    try {
      return Instant.parse(c.getString(key));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "upsfleet.devices." + key + " must be an ISO-8601 instant", e);
    }
  }

  private static void require(boolean ok, String key, String message) {
    if (!ok) throw new IllegalArgumentException("upsfleet.devices." + key + " " + message);
  }
}
