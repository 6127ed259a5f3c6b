package io.upsfleet.cluster.operation;

import io.upsfleet.cluster.plan.Feature;
import java.time.Duration;

/**
 * The remote operations a device accepts (DOMAIN.md §6), each with the feature (and so the plan) it
 * needs and how long the device may take to finish it once it has it.
 */
public enum CommandType {
  OUTLET_GROUP_REBOOT(Feature.OUTLET_GROUP_REBOOT, Duration.ofMinutes(10)),
  FIRMWARE_UPGRADE(Feature.REMOTE_FIRMWARE_UPGRADE, Duration.ofMinutes(45)),
  SET_INPUT_SENSITIVITY(Feature.INPUT_SENSITIVITY, Duration.ofMinutes(5)),
  SELF_TEST(Feature.REMOTE_SELF_TEST, Duration.ofMinutes(10)),
  /**
   * Shows newer firmware on the UPS's display (a device on Basic; a person starts the install at
   * its LCD). Sent by the gateway itself, never requested by a user; the device's SUCCEEDED means
   * "shown". Done once the device has it: the install is recorded from the version it reports.
   */
  FIRMWARE_OFFER(Feature.FIRMWARE_OFFER, Duration.ofMinutes(5));

  private final Feature feature;
  private final Duration executionTimeout;

  CommandType(Feature feature, Duration executionTimeout) {
    this.feature = feature;
    this.executionTimeout = executionTimeout;
  }

  public Feature feature() {
    return feature;
  }

  /** How long after delivery a command may stay unfinished before it is TIMED_OUT. */
  public Duration executionTimeout() {
    return executionTimeout;
  }

  /** Whether a user may request it (the gateway sends the others itself). */
  public boolean requestable() {
    return this != FIRMWARE_OFFER;
  }
}
