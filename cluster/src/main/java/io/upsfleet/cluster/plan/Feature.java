package io.upsfleet.cluster.plan;

import java.util.Locale;
import java.util.Optional;

/**
 * What a plan unlocks (DOMAIN.md §4), each with the lowest plan that has it. {@link #check} is the
 * one place every capability asks "may this device do X now?".
 */
public enum Feature {
  LIVE_STATUS("connection, status and latest values", Plan.BASIC),
  EVENT_LOG("new events in the 30-day event log", Plan.STANDARD),
  NOTIFICATIONS("notifications by email, Slack and Teams", Plan.STANDARD),
  REMOTE_SELF_TEST("remote self-test", Plan.STANDARD),
  REMOTE_FIRMWARE_UPGRADE("one-click remote firmware upgrade", Plan.STANDARD),
  /** Newer firmware shown on the UPS's display, for a person to install from its LCD. */
  FIRMWARE_OFFER("firmware offered on the UPS's display", Plan.BASIC),
  INPUT_SENSITIVITY("remote input-voltage sensitivity", Plan.STANDARD),
  REPORTS("MyInventory and MyRenewals reports", Plan.BASIC),
  OUTLET_GROUP_REBOOT("remote outlet-group reboot", Plan.ADVANCED);

  private final String description;
  private final Plan minimum;

  Feature(String description, Plan minimum) {
    this.description = description;
    this.minimum = minimum;
  }

  public String description() {
    return description;
  }

  /** The lowest plan that unlocks this feature. */
  public Plan minimumPlan() {
    return minimum;
  }

  public boolean allowedOn(Plan plan) {
    return plan.compareTo(minimum) >= 0;
  }

  /**
   * Empty when {@code plan} unlocks this feature; otherwise the refusal, naming the plan needed,
   * e.g. "remote outlet-group reboot needs the Advanced plan; the device is on Standard".
   */
  public Optional<String> check(Plan plan) {
    if (allowedOn(plan)) return Optional.empty();
    return Optional.of(
        description + " needs the " + title(minimum) + " plan; the device is on " + title(plan));
  }

  private static String title(Plan p) {
    String n = p.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }
}
