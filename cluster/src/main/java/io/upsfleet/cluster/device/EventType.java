package io.upsfleet.cluster.device;

import java.util.Optional;

/**
 * The vocabulary of UPS events (DOMAIN.md §3) with their severity. A device may report the types
 * marked {@link #reportable()} on {@code ups/{serial}/events}; the others are derived by the
 * gateway itself.
 */
public enum EventType {
  ON_BATTERY(Severity.WARNING, false),
  POWER_RESTORED(Severity.INFO, false),
  LOW_BATTERY(Severity.CRITICAL, false),
  BATTERY_REPLACE(Severity.WARNING, true),
  OVERLOAD(Severity.CRITICAL, false),
  OVERLOAD_CLEARED(Severity.INFO, false),
  TEMPERATURE_HIGH(Severity.CRITICAL, true),
  SELF_TEST_PASSED(Severity.INFO, true),
  SELF_TEST_FAILED(Severity.WARNING, true),
  CONNECTION_LOST(Severity.WARNING, false),
  CONNECTION_RESTORED(Severity.INFO, false),
  FIRMWARE_AVAILABLE(Severity.INFO, false),
  FIRMWARE_UPDATED(Severity.INFO, false),
  FIRMWARE_FAILED(Severity.WARNING, true),
  OUTLET_GROUP_REBOOTED(Severity.INFO, true),
  SENSITIVITY_CHANGED(Severity.INFO, true),
  PLAN_CHANGED(Severity.INFO, false),
  PLAN_EXPIRING(Severity.WARNING, false),
  PLAN_EXPIRED(Severity.WARNING, false),
  USER_ACTION(Severity.INFO, false),
  /** A remote operation failed or the device rejected it. */
  OPERATION_FAILED(Severity.WARNING, false),
  /** A remote operation's time-to-live passed before the device had it: it never ran. */
  OPERATION_EXPIRED(Severity.WARNING, false),
  /** A delivered remote operation did not finish within its execution time-out. */
  OPERATION_TIMED_OUT(Severity.WARNING, false),
  /** A remote operation was cancelled before it was sent. */
  OPERATION_CANCELLED(Severity.INFO, false),
  /** Two live devices share this identity: they keep taking each other's session over. */
  DEVICE_CLONED(Severity.CRITICAL, false);

  private final Severity severity;
  private final boolean reportable;

  EventType(Severity severity, boolean reportable) {
    this.severity = severity;
    this.reportable = reportable;
  }

  public Severity severity() {
    return severity;
  }

  /**
   * Whether a device may publish this type itself (the rest are derived from telemetry or state).
   */
  public boolean reportable() {
    return reportable;
  }

  /** The type for a wire name, if there is one (exact, upper case). */
  public static Optional<EventType> fromName(String name) {
    for (EventType t : values()) {
      if (t.name().equals(name)) return Optional.of(t);
    }
    return Optional.empty();
  }
}
