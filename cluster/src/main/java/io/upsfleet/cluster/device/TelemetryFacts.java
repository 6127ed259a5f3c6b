package io.upsfleet.cluster.device;

import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.FirmwareCatalog;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.plan.Feature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The facts a telemetry sample reveals about a registered device: status transitions and the alarms
 * they are, the temperature alarm, a firmware change, the end of a running upgrade, and newer
 * firmware to offer. A sample older than the newest one ({@link SampleOrder}) reveals nothing. The
 * state and the sample in, events out; one instance per entity also keeps, in memory only, the
 * latest sample, when the device was last heard, and the last catalogue lookup (the same firmware
 * string repeats sample after sample).
 */
final class TelemetryFacts {
  private final double temperatureHigh;
  private final double temperatureClear;
  private String catalogCheckedFirmware;
  private String catalogCheckedOffer;
  private Telemetry latest;
  private SampleOrder latestOrder;
  private Instant lastSeen;
  private long shadowCheckedEpoch = -1;

  TelemetryFacts(double temperatureHigh, double temperatureClear) {
    this.temperatureHigh = temperatureHigh;
    this.temperatureClear = temperatureClear;
  }

  /**
   * A newer sample and the events it makes; {@link #keep} it once they are stored (or at once when
   * there are none), so that a sample whose events failed to persist counts as not seen and its
   * re-send raises them again.
   */
  record Sample(Telemetry telemetry, SampleOrder order, List<UpsDevice.Event> events) {}

  /**
   * The sample of the current session with its events, or null when it is older than the newest
   * sample (it then changes nothing, not even the latest sample). The first sample of a session is
   * also compared with the device shadow.
   */
  Sample sample(RegisteredDevice s, UpsDevice.RecordTelemetry c, OperationLifecycle lifecycle) {
    Telemetry t = c.telemetry();
    heard(t.receivedAt());
    SampleOrder order = SampleOrder.of(c.epoch(), t);
    if (!order.isNewerThan(latestOrder != null ? latestOrder : s.health().newest(), c.dup())) {
      return null;
    }
    List<UpsDevice.Event> events = of(s, t, order);
    if (shadowCheckedEpoch != c.epoch()) {
      List<UpsDevice.Event> shadow = lifecycle.shadow(s, t);
      if (!shadow.isEmpty()) {
        events = new ArrayList<>(events);
        events.addAll(shadow);
      }
    }
    return new Sample(t, order, events);
  }

  /** The sample is stored (or had nothing to store): it is the latest from now on. */
  void keep(Sample sample, RegisteredDevice after) {
    latest = sample.telemetry();
    latestOrder = sample.order();
    shadowCheckedEpoch = sample.order().epoch();
    String firmware = latest.text(TelemetryVariable.UPS_FIRMWARE);
    if (firmware != null) {
      catalogCheckedFirmware = firmware;
      catalogCheckedOffer = after.operations().firmwareOffered();
    }
  }

  /** Something was received from the device at {@code at}. */
  void heard(Instant at) {
    lastSeen = at;
  }

  /** The latest sample since this entity started, or null. */
  Telemetry latest() {
    return latest;
  }

  /** When anything was last received from the device since this entity started, or null. */
  Instant lastSeen() {
    return lastSeen;
  }

  List<UpsDevice.Event> of(RegisteredDevice s, Telemetry t, SampleOrder order) {
    List<UpsDevice.Event> events = new ArrayList<>(4);
    Instant now = t.receivedAt();
    Health h = s.health();
    String cause = causeOf(s, t.status());
    if (!t.status().equals(h.status())) {
      events.add(new UpsDevice.StatusChanged(h.status(), t.status(), now, order));
      statusAlarms(s, h.status(), t.status(), cause, now, events);
    }
    Double temperature = t.number(TelemetryVariable.BATTERY_TEMPERATURE);
    if (temperature == null) temperature = t.number(TelemetryVariable.UPS_TEMPERATURE);
    if (temperature != null) {
      if (!h.temperatureHigh() && temperature > temperatureHigh) {
        events.add(new UpsDevice.TemperatureAlarmChanged(true, temperature, now, order));
        events.add(
            raised(
                s,
                EventType.TEMPERATURE_HIGH,
                cause,
                now,
                new TreeMap<>(
                    Collections.singletonMap("temperature", Double.toString(temperature)))));
      } else if (h.temperatureHigh() && temperature < temperatureClear) {
        events.add(new UpsDevice.TemperatureAlarmChanged(false, temperature, now, order));
      }
    }
    String firmware = t.text(TelemetryVariable.UPS_FIRMWARE);
    if (firmware != null && !firmware.equals(h.firmware())) {
      events.add(new UpsDevice.FirmwareChanged(h.firmware(), firmware, now, order));
      if (h.firmware() != null) {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("from", h.firmware());
        details.put("to", firmware);
        events.add(raised(s, EventType.FIRMWARE_UPDATED, null, now, details));
      }
    }
    if (firmware != null) firmwareFacts(s, firmware, now, events);
    return events;
  }

  private static void statusAlarms(
      RegisteredDevice s,
      Set<StatusFlag> from,
      Set<StatusFlag> to,
      String cause,
      Instant now,
      List<UpsDevice.Event> events) {
    Set<StatusFlag> raised = EnumSet.noneOf(StatusFlag.class);
    raised.addAll(to);
    raised.removeAll(from);
    Set<StatusFlag> cleared = EnumSet.noneOf(StatusFlag.class);
    cleared.addAll(from);
    cleared.removeAll(to);
    if (raised.contains(StatusFlag.OB)) events.add(raised(s, EventType.ON_BATTERY, cause, now));
    if (cleared.contains(StatusFlag.OB)) events.add(raised(s, EventType.POWER_RESTORED, null, now));
    if (raised.contains(StatusFlag.LB)) events.add(raised(s, EventType.LOW_BATTERY, cause, now));
    if (raised.contains(StatusFlag.RB)) events.add(raised(s, EventType.BATTERY_REPLACE, null, now));
    if (raised.contains(StatusFlag.OVER)) events.add(raised(s, EventType.OVERLOAD, cause, now));
    if (cleared.contains(StatusFlag.OVER)) {
      events.add(raised(s, EventType.OVERLOAD_CLEARED, null, now));
    }
  }

  /**
   * A running upgrade ends when the device reports the target version (SUCCEEDED), or comes back
   * from its reboot in a later session with another version (FAILED, interrupted). Newer firmware
   * in the catalogue is offered once per version; a device without one-click remote upgrade (Basic)
   * is also sent the offer, to show on its display.
   */
  private void firmwareFacts(
      RegisteredDevice s, String firmware, Instant now, List<UpsDevice.Event> events) {
    Optional<DeviceCommand> upgrade = s.operations().activeFirmwareUpgrade();
    long epoch = s.session().epoch();
    if (upgrade.isPresent()) {
      DeviceCommand cmd = upgrade.get();
      String target = cmd.params().get("version");
      if (sameFirmware(firmware, target)) {
        events.add(
            new UpsDevice.CommandUpdated(
                cmd.id(), CommandStatus.SUCCEEDED, "done", null, epoch, null, now));
      } else if (cmd.status() == CommandStatus.ACKNOWLEDGED
          && cmd.epoch() < epoch
          && cmd.progress() != null
          && (cmd.progress().startsWith("rebooting") || cmd.progress().startsWith("verifying"))) {
        String reason = "interrupted: the device came back with " + firmware;
        events.add(
            new UpsDevice.CommandUpdated(
                cmd.id(), CommandStatus.FAILED, cmd.progress(), reason, epoch, null, now));
        TreeMap<String, String> entry = OperationLifecycle.details(cmd, "reason", reason);
        entry.put("operation", cmd.type().name());
        events.add(raised(s, EventType.OPERATION_FAILED, null, now, entry));
        events.add(
            raised(
                s,
                EventType.FIRMWARE_FAILED,
                null,
                now,
                OperationLifecycle.details(cmd, "reason", reason)));
      }
    }
    String offered = s.operations().firmwareOffered();
    if (firmware.equals(catalogCheckedFirmware) && Objects.equals(offered, catalogCheckedOffer)) {
      return;
    }
    FirmwareCatalog.upgradeFor(OperationPolicy.familyOf(s.model()), firmware)
        .ifPresent(
            release -> {
              String version = release.version().render();
              if (!version.equals(offered) && !firmware.equals(version)) {
                events.add(new UpsDevice.FirmwareOffered(version, now));
                TreeMap<String, String> details = new TreeMap<>();
                details.put("version", version);
                details.put("current", firmware);
                details.put("notes", release.releaseNotes());
                if (release.loadUnprotectedDuringUpgrade()) {
                  details.put("warning", "the load is not battery-protected during the upgrade");
                }
                events.add(raised(s, EventType.FIRMWARE_AVAILABLE, null, now, details));
                if (!Feature.REMOTE_FIRMWARE_UPGRADE.allowedOn(s.planAt(now).plan())) {
                  events.addAll(
                      OperationLifecycle.firmwareOffer(
                          s,
                          new Operation.FirmwareOffer(
                              version, release.loadUnprotectedDuringUpgrade()),
                          now));
                }
              }
            });
  }

  /** The log entry of a device-reported event, explained by what the device is doing. */
  static UpsDevice.EventRaised reported(RegisteredDevice s, DeviceEventReport r) {
    return new UpsDevice.EventRaised(
        r.type(),
        r.type().severity(),
        causeOf(s, s.health().status()),
        r.deviceTime(),
        r.seq(),
        r.details(),
        Feature.EVENT_LOG.allowedOn(s.planAt(r.receivedAt()).plan()),
        r.receivedAt());
  }

  /**
   * Whether two firmware strings name the same version ({@code UPS 09.8} and {@code UPS 9.8} do).
   */
  static boolean sameFirmware(String a, String b) {
    if (a == null || b == null) return false;
    var va = FirmwareCatalog.parse(a);
    var vb = FirmwareCatalog.parse(b);
    return va.isPresent() && vb.isPresent() ? va.get().equals(vb.get()) : a.equals(b);
  }

  /** What explains an alarm that is not a real fault: a self-test, a calibration or an upgrade. */
  static String causeOf(RegisteredDevice s, Set<StatusFlag> status) {
    if (status.contains(StatusFlag.TEST)) return "SELF_TEST";
    if (status.contains(StatusFlag.CAL)) return "CALIBRATION";
    if (s.operations()
        .activeFirmwareUpgrade()
        .filter(c -> c.status() == CommandStatus.ACKNOWLEDGED)
        .isPresent()) {
      return "FIRMWARE_UPGRADE";
    }
    return null;
  }

  static UpsDevice.EventRaised raised(
      RegisteredDevice s, EventType type, String cause, Instant at) {
    return raised(s, type, cause, at, new TreeMap<>());
  }

  /** A derived log entry, recorded in the event log when the plan at {@code at} has it. */
  static UpsDevice.EventRaised raised(
      RegisteredDevice s,
      EventType type,
      String cause,
      Instant at,
      SortedMap<String, String> details) {
    return new UpsDevice.EventRaised(
        type,
        type.severity(),
        cause,
        null,
        -1,
        details,
        Feature.EVENT_LOG.allowedOn(s.planAt(at).plan()),
        at);
  }
}
