package io.upsfleet.cluster.device;

import io.upsfleet.cluster.operation.CommandReport;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.plan.Feature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The lifecycle of a device's remote operations as decisions: which events a request, a cancel, a
 * publish, a PUBACK, a device's report or a passing deadline make, and which waiting operations go
 * out next through the delivery window. Pure: state, input and instant in, events out. Every
 * operation that ends other than in success leaves an entry in the event log.
 */
final class OperationLifecycle {
  private final int window;

  /** The events of what the edge reported about operation {@code id} in session {@code epoch}. */
  @FunctionalInterface
  interface LinkDecision {
    List<UpsDevice.Event> events(RegisteredDevice s, long epoch, String id, Instant now);
  }

  OperationLifecycle(int window) {
    this.window = window;
  }

  /** A new operation, waiting for the device, and the user action it is in the log. */
  List<UpsDevice.Event> requested(
      RegisteredDevice s, Operation op, Duration ttl, String by, String key, Instant now) {
    DeviceCommand cmd =
        new DeviceCommand(
            UUID.randomUUID().toString(),
            op.type(),
            op.params(),
            by,
            now,
            now.plus(ttl),
            key,
            CommandStatus.PENDING,
            null,
            null,
            null,
            now,
            s.session().epoch());
    TreeMap<String, String> details = new TreeMap<>(op.params());
    details.put("command", cmd.id());
    details.put("operation", op.type().name());
    details.put("by", by);
    return List.of(
        new UpsDevice.CommandRequested(cmd, null, now),
        new UpsDevice.EventRaised(
            EventType.USER_ACTION,
            EventType.USER_ACTION.severity(),
            null,
            null,
            -1,
            details,
            true,
            now));
  }

  List<UpsDevice.Event> cancelled(RegisteredDevice s, DeviceCommand cmd, String by, Instant now) {
    return ended(s, cmd, CommandStatus.CANCELLED, null, "cancelled by " + by, now);
  }

  /** The edge wrote the operation's PUBLISH in session {@code epoch}: it is SENT. */
  List<UpsDevice.Event> published(RegisteredDevice s, long epoch, String id, Instant now) {
    DeviceCommand cmd = s.operations().find(id).orElse(null);
    if (cmd == null || epoch != s.session().epoch()) return List.of();
    boolean waiting =
        cmd.status() == CommandStatus.PENDING
            || (cmd.status() == CommandStatus.SENT && cmd.epoch() < epoch);
    if (!waiting) return List.of();
    return List.of(
        new UpsDevice.CommandUpdated(id, CommandStatus.SENT, null, null, epoch, null, now));
  }

  /** The device acknowledged the PUBLISH (PUBACK): it is DELIVERED. */
  List<UpsDevice.Event> delivered(RegisteredDevice s, long epoch, String id, Instant now) {
    DeviceCommand cmd = s.operations().find(id).orElse(null);
    if (cmd == null || epoch != s.session().epoch()) return List.of();
    if (cmd.status() != CommandStatus.SENT && cmd.status() != CommandStatus.PENDING)
      return List.of();
    List<UpsDevice.Event> events = new ArrayList<>(2);
    if (cmd.status() == CommandStatus.PENDING) {
      events.add(
          new UpsDevice.CommandUpdated(id, CommandStatus.SENT, null, null, epoch, null, now));
    }
    events.add(
        new UpsDevice.CommandUpdated(id, CommandStatus.DELIVERED, null, null, epoch, null, now));
    return events;
  }

  /** A device's report on an operation it has. */
  List<UpsDevice.Event> reported(RegisteredDevice s, DeviceCommand cmd, CommandReport r) {
    Instant now = r.receivedAt();
    long epoch = s.session().epoch();
    List<UpsDevice.Event> events = new ArrayList<>();
    if (cmd.status() == CommandStatus.PENDING) {
      // The device reports on it before the edge's word that it was published (a tell, which can
      // be lost): it left, so it was SENT.
      events.add(
          new UpsDevice.CommandUpdated(cmd.id(), CommandStatus.SENT, null, null, epoch, null, now));
    }
    switch (r.status()) {
      case ACCEPTED, IN_PROGRESS ->
          events.add(
              new UpsDevice.CommandUpdated(
                  cmd.id(), CommandStatus.ACKNOWLEDGED, r.progressText(), null, epoch, null, now));
      case SUCCEEDED -> succeeded(s, cmd, r, now, events);
      case FAILED, REJECTED -> {
        String reason =
            (r.status() == CommandReport.Status.REJECTED ? "rejected by the device" : "failed")
                + (r.reason() != null ? ": " + r.reason() : "");
        events.addAll(ended(s, cmd, CommandStatus.FAILED, r.progressText(), reason, now));
      }
    }
    return events;
  }

  /**
   * A device's success, and the event each operation's success is. Firmware waits for telemetry.
   */
  private static void succeeded(
      RegisteredDevice s,
      DeviceCommand cmd,
      CommandReport r,
      Instant now,
      List<UpsDevice.Event> events) {
    long epoch = s.session().epoch();
    UpsDevice.CommandUpdated done =
        new UpsDevice.CommandUpdated(
            cmd.id(), CommandStatus.SUCCEEDED, "done", null, epoch, null, now);
    Operation op = cmd.operation();
    if (op instanceof Operation.FirmwareUpgrade f) {
      if (TelemetryFacts.sameFirmware(f.version(), s.health().firmware())) {
        events.add(done);
      } else {
        // The device's word alone is not enough: success is the new version in telemetry.
        events.add(
            new UpsDevice.CommandUpdated(
                cmd.id(), CommandStatus.ACKNOWLEDGED, "verifying version", null, epoch, null, now));
      }
    } else if (op instanceof Operation.OutletGroupReboot g) {
      events.add(done);
      events.add(
          TelemetryFacts.raised(
              s,
              EventType.OUTLET_GROUP_REBOOTED,
              null,
              now,
              details(cmd, "group", Integer.toString(g.group()))));
    } else if (op instanceof Operation.FirmwareOffer) {
      events.add(done); // shown on the display; the install is seen in the reported version
    } else if (op instanceof Operation.SetInputSensitivity i) {
      events.add(done);
      events.add(
          TelemetryFacts.raised(
              s,
              EventType.SENSITIVITY_CHANGED,
              null,
              now,
              details(cmd, "sensitivity", i.level().wireName())));
    } else {
      events.add(done);
      boolean failed = "failed".equals(r.result());
      EventType type = failed ? EventType.SELF_TEST_FAILED : EventType.SELF_TEST_PASSED;
      events.add(
          TelemetryFacts.raised(
              s, type, "SELF_TEST", now, details(cmd, "result", failed ? "failed" : "passed")));
    }
  }

  /**
   * Operations whose time ran out: not in the device's hands by their TTL (EXPIRED, never
   * executed), or delivered and unfinished past their execution time-out (TIMED_OUT).
   */
  List<UpsDevice.Event> deadlines(RegisteredDevice s, Instant now) {
    List<UpsDevice.Event> events = new ArrayList<>();
    for (DeviceCommand c : s.operations().commands()) {
      Instant d = c.deadline();
      if (d == null || d.isAfter(now)) continue;
      if (c.status() == CommandStatus.PENDING) {
        events.addAll(
            ended(
                s,
                c,
                CommandStatus.EXPIRED,
                null,
                "its time-to-live passed before the device could take it",
                now));
      } else if (c.status() == CommandStatus.SENT) {
        events.addAll(
            ended(
                s,
                c,
                CommandStatus.EXPIRED,
                null,
                "it was published but the device did not acknowledge it before its time-to-live passed",
                now));
      } else {
        events.addAll(
            ended(
                s,
                c,
                CommandStatus.TIMED_OUT,
                null,
                "the device did not finish it within "
                    + c.type().executionTimeout().toMinutes()
                    + " minutes",
                now));
      }
    }
    return events;
  }

  /** An operation ending other than in success, and its entry in the event log. */
  private static List<UpsDevice.Event> ended(
      RegisteredDevice s,
      DeviceCommand cmd,
      CommandStatus status,
      String progress,
      String reason,
      Instant now) {
    List<UpsDevice.Event> events = new ArrayList<>(3);
    events.add(
        new UpsDevice.CommandUpdated(
            cmd.id(), status, progress, reason, s.session().epoch(), null, now));
    EventType type =
        switch (status) {
          case CANCELLED -> EventType.OPERATION_CANCELLED;
          case EXPIRED -> EventType.OPERATION_EXPIRED;
          case TIMED_OUT -> EventType.OPERATION_TIMED_OUT;
          default -> EventType.OPERATION_FAILED;
        };
    TreeMap<String, String> d = details(cmd, "reason", reason);
    d.put("operation", cmd.type().name());
    events.add(TelemetryFacts.raised(s, type, null, now, d));
    if (cmd.type() == CommandType.FIRMWARE_UPGRADE
        && (status == CommandStatus.FAILED || status == CommandStatus.TIMED_OUT)) {
      events.add(
          TelemetryFacts.raised(
              s, EventType.FIRMWARE_FAILED, null, now, details(cmd, "reason", reason)));
    }
    return events;
  }

  /**
   * The operations to hand to the device's link now, oldest first: those waiting (PENDING, or SENT
   * in an earlier session and so maybe never received), not yet handed over in this session, as
   * many as the delivery window has room for. The window counts operations handed over but not yet
   * written, and written but not yet acknowledged.
   */
  List<DeviceCommand> toHandOver(RegisteredDevice s, Set<String> handedOver, Instant now) {
    if (!s.session().reachable()) return List.of();
    long epoch = s.session().epoch();
    int inWindow = handedOver.size();
    for (DeviceCommand c : s.operations().commands()) {
      if (c.status() == CommandStatus.SENT && c.epoch() == epoch && !handedOver.contains(c.id())) {
        inWindow++;
      }
    }
    List<DeviceCommand> next = new ArrayList<>();
    for (DeviceCommand c : s.operations().commands()) {
      if (inWindow + next.size() >= window) break;
      boolean waiting =
          c.status() == CommandStatus.PENDING
              || (c.status() == CommandStatus.SENT && c.epoch() < epoch);
      if (waiting && !handedOver.contains(c.id()) && now.isBefore(c.expiresAt())) next.add(c);
    }
    return next;
  }

  /**
   * The device shadow: the first sample of a session reporting an input sensitivity other than the
   * one the device last confirmed gets the desired value asked again (unless such an operation is
   * under way, an upgrade runs, or the plan no longer has the feature). Null when nothing is due.
   */
  List<UpsDevice.Event> shadow(RegisteredDevice s, Telemetry t) {
    String reported = t.text(TelemetryVariable.INPUT_SENSITIVITY);
    String desired = s.operations().desiredSensitivity();
    if (reported == null || desired == null || reported.equals(desired)) return List.of();
    boolean underWay =
        s.operations().commands().stream()
            .anyMatch(c -> c.type() == CommandType.SET_INPUT_SENSITIVITY && !c.status().isFinal());
    if (underWay || s.operations().activeFirmwareUpgrade().isPresent()) return List.of();
    Instant now = t.receivedAt();
    if (!Feature.INPUT_SENSITIVITY.allowedOn(s.planAt(now).plan())) return List.of();
    Operation.Sensitivity level = Operation.Sensitivity.fromWire(desired).orElse(null);
    if (level == null) return List.of();
    DeviceCommand cmd =
        new DeviceCommand(
            UUID.randomUUID().toString(),
            CommandType.SET_INPUT_SENSITIVITY,
            new Operation.SetInputSensitivity(level).params(),
            "system",
            now,
            now.plus(Duration.ofHours(1)),
            null,
            CommandStatus.PENDING,
            null,
            null,
            null,
            now,
            s.session().epoch());
    return List.of(new UpsDevice.CommandRequested(cmd, null, now));
  }

  /**
   * The offer of firmware {@code release} to a device whose plan has no one-click remote upgrade
   * (Basic): shown on its display until a person installs it at the LCD (FAQ §7). It waits for the
   * device up to {@link #OFFER_TTL}.
   */
  static List<UpsDevice.Event> firmwareOffer(
      RegisteredDevice s, Operation.FirmwareOffer offer, Instant now) {
    DeviceCommand cmd =
        new DeviceCommand(
            UUID.randomUUID().toString(),
            CommandType.FIRMWARE_OFFER,
            offer.params(),
            "system",
            now,
            now.plus(OFFER_TTL),
            null,
            CommandStatus.PENDING,
            null,
            null,
            null,
            now,
            s.session().epoch());
    return List.of(new UpsDevice.CommandRequested(cmd, null, now));
  }

  /** How long a firmware offer waits for a device that is offline. */
  static final Duration OFFER_TTL = Duration.ofDays(7);

  /**
   * Puts the device's next operation deadline (after all {@code events}) on each operation event.
   */
  static List<UpsDevice.Event> stampDeadlines(
      RegisteredDevice s,
      List<UpsDevice.Event> events,
      BiFunction<RegisteredDevice, UpsDevice.Event, RegisteredDevice> apply) {
    RegisteredDevice after = s;
    for (UpsDevice.Event e : events) after = apply.apply(after, e);
    Instant deadline = after.operations().nextDeadline();
    List<UpsDevice.Event> out = new ArrayList<>(events.size());
    for (UpsDevice.Event e : events) {
      if (e instanceof UpsDevice.CommandRequested r) {
        out.add(new UpsDevice.CommandRequested(r.command(), deadline, r.at()));
      } else if (e instanceof UpsDevice.CommandUpdated u) {
        out.add(
            new UpsDevice.CommandUpdated(
                u.commandId(), u.status(), u.progress(), u.reason(), u.epoch(), deadline, u.at()));
      } else {
        out.add(e);
      }
    }
    return out;
  }

  static TreeMap<String, String> details(DeviceCommand cmd, String key, String value) {
    TreeMap<String, String> d = new TreeMap<>();
    d.put("command", cmd.id());
    if (value != null) d.put(key, value);
    return d;
  }
}
