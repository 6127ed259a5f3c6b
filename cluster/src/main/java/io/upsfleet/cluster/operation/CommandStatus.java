package io.upsfleet.cluster.operation;

/**
 * A command's lifecycle: {@code PENDING} (accepted, waiting for the device) → {@code SENT}
 * (published to the device) → {@code ACKNOWLEDGED} (the device has it) → one of the final states.
 */
public enum CommandStatus {
  PENDING,
  SENT,
  ACKNOWLEDGED,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  EXPIRED,
  CANCELLED;

  public boolean isFinal() {
    return ordinal() >= SUCCEEDED.ordinal();
  }
}
