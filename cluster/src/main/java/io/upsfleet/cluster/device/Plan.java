package io.upsfleet.cluster.device;

/**
 * The subscription plans of DOMAIN.md §4, ordered from lowest to highest, with the capabilities they
 * unlock. This is the one place that answers "may a device on this plan do X?".
 */
public enum Plan {
  BASIC,
  STANDARD,
  ADVANCED;

  /** New events are recorded in the 30-day event log (Standard and Advanced). */
  public boolean recordsEventLog() {
    return this != BASIC;
  }

  /** Notifications by email, Slack and Teams (Standard and Advanced). */
  public boolean sendsNotifications() {
    return this != BASIC;
  }
}
