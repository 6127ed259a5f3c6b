package io.upsfleet.cluster.device;

import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Device states built from events through the pure event handlers, for the decision tests. */
final class DeviceStates {
  static final Instant REGISTERED = Instant.parse("2025-03-10T08:00:00Z");
  static final String MODEL = "SMT1500C";

  private DeviceStates() {}

  /** Registered with a six-month Standard trial. */
  static RegisteredDevice onTrial() {
    return registered(REGISTERED.plus(Duration.ofDays(184)));
  }

  /** Registered without a trial: Basic. */
  static RegisteredDevice onBasic() {
    return registered(REGISTERED);
  }

  /** On trial, with a one-year Advanced license applied at registration. */
  static RegisteredDevice onAdvanced() {
    RegisteredDevice s = onTrial();
    Grant grant =
        new Grant(Sku.parse("SMARTCONNECT-ADVANCED-1Y").orElseThrow(), TermSource.LICENSE, null);
    List<UpsDevice.Event> events =
        new PlanClock(PlanClock.LEGACY_MONITORING_CUTOFF)
            .entitlements(s, "asg-1", List.of(grant), "support", REGISTERED);
    return apply(s, events);
  }

  static RegisteredDevice registered(Instant trialEnds) {
    return new EmptyDevice("AS0DECISIONS")
        .registered(
            new UpsDevice.Registered(
                "AS0DECISIONS",
                MODEL,
                "acct-decisions",
                REGISTERED,
                trialEnds,
                REGISTERED.plus(Duration.ofDays(3 * 365)),
                REGISTERED.plus(Duration.ofDays(3 * 365))));
  }

  static RegisteredDevice connected(RegisteredDevice s, long epoch) {
    return s.on(
        new UpsDevice.Connected(
            epoch, "192.0.2.1:1", "node-1", "pekko://Test/user/link-" + epoch, REGISTERED));
  }

  static RegisteredDevice withFirmware(RegisteredDevice s, String firmware) {
    return s.on(new UpsDevice.FirmwareChanged(s.health().firmware(), firmware, REGISTERED, null));
  }

  static DeviceCommand command(
      String id, Operation op, CommandStatus status, Instant requestedAt, long epoch) {
    return new DeviceCommand(
        id,
        op.type(),
        op.params(),
        "alice",
        requestedAt,
        requestedAt.plus(Duration.ofHours(1)),
        null,
        status,
        null,
        null,
        status == CommandStatus.PENDING ? null : requestedAt,
        requestedAt,
        epoch);
  }

  static RegisteredDevice with(RegisteredDevice s, DeviceCommand... commands) {
    for (DeviceCommand c : commands)
      s = s.on(new UpsDevice.CommandRequested(c, null, c.requestedAt()));
    return s;
  }

  /** The state after {@code events}, through the event handlers of {@link RegisteredDevice}. */
  static RegisteredDevice apply(RegisteredDevice s, List<UpsDevice.Event> events) {
    for (UpsDevice.Event e : events) {
      if (e instanceof UpsDevice.EntitlementsApplied a) s = s.on(a);
      else if (e instanceof UpsDevice.PlanChecked c) s = s.on(c);
      else if (e instanceof UpsDevice.EventRaised r) s = s.on(r);
      else if (e instanceof UpsDevice.CommandRequested r) s = s.on(r);
      else if (e instanceof UpsDevice.CommandUpdated u) s = s.on(u);
      else if (e instanceof UpsDevice.Connected c) s = s.on(c);
      else if (e instanceof UpsDevice.Disconnected d) s = s.on(d);
      else if (e instanceof UpsDevice.StatusChanged c) s = s.on(c);
      else if (e instanceof UpsDevice.FirmwareChanged c) s = s.on(c);
      else throw new IllegalArgumentException("not handled here: " + e);
    }
    return s;
  }
}
