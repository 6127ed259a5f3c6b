package io.upsfleet.cluster.operation;

import io.upsfleet.cluster.CborSerializable;
import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One remote operation and where it stands; kept in the device entity's persisted state.
 *
 * @param id the command id the device de-duplicates on (it executes an id at most once)
 * @param type the operation
 * @param params its validated parameters, as strings
 * @param requestedBy who asked
 * @param requestedAt when
 * @param expiresAt the time-to-live's end: a command not delivered by then is EXPIRED and never
 *     sent
 * @param idempotencyKey the API's Idempotency-Key, or null
 * @param status where it stands
 * @param progress the device's latest progress (e.g. {@code downloading 40%}), or null
 * @param reason why it failed, timed out, expired or was cancelled, or null
 * @param sentAt when it was (last) published to the device, or null
 * @param updatedAt when the status last changed
 * @param epoch the device session in which it was last sent or reported on (0 before)
 */
public record DeviceCommand(
    String id,
    CommandType type,
    SortedMap<String, String> params,
    String requestedBy,
    Instant requestedAt,
    Instant expiresAt,
    String idempotencyKey,
    CommandStatus status,
    String progress,
    String reason,
    Instant sentAt,
    Instant updatedAt,
    long epoch)
    implements CborSerializable {

  public DeviceCommand {
    params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
  }

  public DeviceCommand with(
      CommandStatus newStatus, String newProgress, String newReason, Instant at, long inEpoch) {
    return new DeviceCommand(
        id,
        type,
        params,
        requestedBy,
        requestedAt,
        expiresAt,
        idempotencyKey,
        newStatus,
        newProgress,
        newReason,
        sentAt,
        at,
        inEpoch);
  }

  public DeviceCommand sent(Instant at, long inEpoch) {
    return new DeviceCommand(
        id,
        type,
        params,
        requestedBy,
        requestedAt,
        expiresAt,
        idempotencyKey,
        status == CommandStatus.PENDING ? CommandStatus.SENT : status,
        progress,
        reason,
        at,
        at,
        inEpoch);
  }

  /**
   * When this command needs attention if nothing happens: its TTL until the device has it (a
   * command not delivered by then expires and is never executed), its execution time-out once
   * delivered.
   */
  public Instant deadline() {
    if (status.isFinal()) return null;
    return status == CommandStatus.PENDING || status == CommandStatus.SENT
        ? expiresAt
        : sentAt.plus(type.executionTimeout());
  }

  /** The typed operation of this command. */
  public Operation operation() {
    return Operation.of(type, params);
  }

  /** Whether the command still waits to be handed to the device. */
  public boolean waiting() {
    return status == CommandStatus.PENDING;
  }
}
