package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A registered device's remote operations: every unfinished one and the latest finished ones in the
 * order they were requested (the event log keeps the whole history), the input sensitivity the
 * device last confirmed (its "shadow"), and the firmware last offered.
 *
 * @param commands unfinished operations and the latest {@value #FINISHED_KEPT} finished, oldest
 *     first
 * @param desiredSensitivity the sensitivity last set by a successful operation, or null
 * @param firmwareOffered the firmware version last offered with FIRMWARE_AVAILABLE, or null
 */
public record Operations(
    List<DeviceCommand> commands, String desiredSensitivity, String firmwareOffered)
    implements CborSerializable {

  static final int FINISHED_KEPT = 50;

  public Operations {
    commands = List.copyOf(commands);
  }

  static Operations none() {
    return new Operations(List.of(), null, null);
  }

  Optional<DeviceCommand> find(String id) {
    for (DeviceCommand c : commands) if (c.id().equals(id)) return Optional.of(c);
    return Optional.empty();
  }

  /** The operation requested earlier with this idempotency key (none when the key is null). */
  Optional<DeviceCommand> byIdempotencyKey(String key) {
    if (key == null) return Optional.empty();
    for (DeviceCommand c : commands) if (key.equals(c.idempotencyKey())) return Optional.of(c);
    return Optional.empty();
  }

  Optional<DeviceCommand> activeFirmwareUpgrade() {
    for (DeviceCommand c : commands) {
      if (c.type() == CommandType.FIRMWARE_UPGRADE && !c.status().isFinal()) return Optional.of(c);
    }
    return Optional.empty();
  }

  /** How many operations are not finished. */
  int open() {
    int n = 0;
    for (DeviceCommand c : commands) if (!c.status().isFinal()) n++;
    return n;
  }

  /** The earliest TTL or execution time-out among unfinished operations, or null. */
  Instant nextDeadline() {
    Instant next = null;
    for (DeviceCommand c : commands) {
      Instant d = c.deadline();
      if (d != null && (next == null || d.isBefore(next))) next = d;
    }
    return next;
  }

  Operations requested(DeviceCommand c) {
    List<DeviceCommand> all = new ArrayList<>(commands);
    all.add(c);
    return new Operations(trimmed(all), desiredSensitivity, firmwareOffered);
  }

  Operations updated(UpsDevice.CommandUpdated e) {
    List<DeviceCommand> all = new ArrayList<>(commands.size());
    String desired = desiredSensitivity;
    for (DeviceCommand c : commands) {
      if (!c.id().equals(e.commandId())) {
        all.add(c);
        continue;
      }
      if (e.status() == CommandStatus.SUCCEEDED && c.type() == CommandType.SET_INPUT_SENSITIVITY) {
        desired = c.params().get("sensitivity"); // what the device confirmed it was asked
      }
      all.add(
          e.status() == CommandStatus.SENT
              ? c.sent(e.at(), e.epoch())
              : c.with(
                  e.status(),
                  e.progress() != null ? e.progress() : c.progress(),
                  e.reason(),
                  e.at(),
                  e.epoch()));
    }
    return new Operations(trimmed(all), desired, firmwareOffered);
  }

  Operations offered(String version) {
    return new Operations(commands, desiredSensitivity, version);
  }

  /** Unfinished operations are all kept; of the finished, the latest few. */
  private static List<DeviceCommand> trimmed(List<DeviceCommand> all) {
    long finished = all.stream().filter(c -> c.status().isFinal()).count();
    if (finished <= FINISHED_KEPT) return all;
    List<DeviceCommand> kept = new ArrayList<>(all.size());
    for (DeviceCommand c : all) {
      if (c.status().isFinal() && finished-- > FINISHED_KEPT) continue;
      kept.add(c);
    }
    return kept;
  }
}
