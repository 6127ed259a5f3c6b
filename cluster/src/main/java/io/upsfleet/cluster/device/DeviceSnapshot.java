package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.PlanStatus;
import java.time.Instant;
import java.util.Set;

/**
 * The live view of one device, answered by its entity.
 *
 * @param serial the serial number
 * @param registered false when no device of that serial exists (all other fields are then empty)
 * @param model the model
 * @param accountId the owning account
 * @param registeredAt when it was registered
 * @param online whether a session is open
 * @param connectedSince start of the open (or latest) session, or null
 * @param disconnectedAt end of the latest session while offline, or null
 * @param remoteAddress where the latest session came from, or null
 * @param lastSeen when anything was last received from the device since this entity started, or
 *     null
 * @param connectionLost whether the device is offline past its grace period
 * @param status the latest status flags
 * @param temperatureHigh whether the temperature alarm is raised
 * @param firmware the latest reported firmware, or null
 * @param telemetry the latest sample received since this entity started, or null
 * @param plan the plan right now
 * @param desiredSensitivity the input sensitivity last asked for, or null
 * @param firmwareAvailable newer firmware offered for this device, or null
 */
public record DeviceSnapshot(
    String serial,
    boolean registered,
    String model,
    String accountId,
    Instant registeredAt,
    boolean online,
    Instant connectedSince,
    Instant disconnectedAt,
    String remoteAddress,
    Instant lastSeen,
    boolean connectionLost,
    Set<StatusFlag> status,
    boolean temperatureHigh,
    String firmware,
    Telemetry telemetry,
    PlanStatus plan,
    String desiredSensitivity,
    String firmwareAvailable)
    implements CborSerializable {

  /** The view of a serial that no device has. */
  public static DeviceSnapshot unregistered(String serial) {
    return new DeviceSnapshot(
        serial,
        false,
        null,
        null,
        null,
        false,
        null,
        null,
        null,
        null,
        false,
        Set.of(),
        false,
        null,
        null,
        new PlanStatus(Plan.BASIC, "NONE", null, null),
        null,
        null);
  }
}
