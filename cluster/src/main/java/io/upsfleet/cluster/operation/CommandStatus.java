package io.upsfleet.cluster.operation;

/**
 * An operation's lifecycle: {@code PENDING} (accepted, waiting in the device entity) → {@code SENT}
 * (the edge wrote its PUBLISH to the device's connection) → {@code DELIVERED} (the device
 * acknowledged the PUBLISH) → {@code ACKNOWLEDGED} (the device reported it accepted or is running
 * it) → one of the final states. Only a bounded number per device are {@code SENT} and not yet
 * {@code DELIVERED} at a time (the delivery window); the rest wait {@code PENDING}. {@code
 * DELIVERED} was added in December 2026: earlier journals go from {@code SENT} to {@code
 * ACKNOWLEDGED} on the PUBACK.
 */
public enum CommandStatus {
  PENDING,
  SENT,
  DELIVERED,
  ACKNOWLEDGED,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  EXPIRED,
  CANCELLED;

  /** Whether the device has it (it acknowledged the PUBLISH, or reported on it). */
  public boolean reachedDevice() {
    return this == DELIVERED || this == ACKNOWLEDGED || this == SUCCEEDED || this == FAILED;
  }

  public boolean isFinal() {
    return ordinal() >= SUCCEEDED.ordinal();
  }
}
