package io.upsfleet.cluster.device;

import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.FirmwareCatalog;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.operation.OperationAllowance;
import io.upsfleet.cluster.plan.Plan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that decides whether a device may be asked to do an operation now, and resolves
 * what it will be asked exactly (the firmware version for its family and platform). Pure: the
 * device's state, the operation and the instant in, a decision out. The API serves {@link #allowed}
 * so that the console shows these rules instead of repeating them.
 */
final class OperationPolicy {

  /** The outcome: a resolved operation, or a refusal. */
  sealed interface Decision {}

  record Allowed(Operation operation) implements Decision {}

  record Refused(UpsDevice.RefusalReason reason, String message, Plan requiredPlan)
      implements Decision {
    UpsDevice.OperationRefused reply(String accountId) {
      return new UpsDevice.OperationRefused(reason, message, requiredPlan, accountId);
    }
  }

  private final int maxOpen;

  OperationPolicy(int maxOpen) {
    this.maxOpen = maxOpen;
  }

  Decision decide(RegisteredDevice s, Operation op, Instant now) {
    Optional<Refused> general = generalRefusal(s, op.type(), now);
    if (general.isPresent()) return general.get();
    if (op instanceof Operation.OutletGroupReboot r) {
      int groups = outletGroups(s.model());
      return r.group() < groups
          ? new Allowed(r)
          : new Refused(
              UpsDevice.RefusalReason.UNSUPPORTED,
              "model "
                  + s.model()
                  + " has outlet groups 0.."
                  + (groups - 1)
                  + " (0 is the main outlet group)",
              null);
    }
    if (op instanceof Operation.FirmwareUpgrade f) return firmware(s, f);
    return new Allowed(op);
  }

  /** Every kind of operation with whether it is allowed on the device now, and why not. */
  List<OperationAllowance> allowed(RegisteredDevice s, Instant now) {
    List<OperationAllowance> all = new ArrayList<>();
    for (CommandType type : CommandType.values()) {
      if (!type.requestable()) continue;
      Optional<Refused> refused = generalRefusal(s, type, now);
      String target = null;
      if (refused.isEmpty() && type == CommandType.FIRMWARE_UPGRADE) {
        Decision d = firmware(s, new Operation.FirmwareUpgrade(null, false));
        if (d instanceof Refused r) refused = Optional.of(r);
        else target = ((Operation.FirmwareUpgrade) ((Allowed) d).operation()).version();
      }
      all.add(
          new OperationAllowance(
              type,
              refused.isEmpty(),
              refused.map(Refused::message).orElse(null),
              refused.map(Refused::requiredPlan).orElse(null),
              type == CommandType.OUTLET_GROUP_REBOOT ? outletGroups(s.model()) : 0,
              target));
    }
    return all;
  }

  /**
   * The refusals that do not depend on the parameters: plan, open operations, a running upgrade.
   */
  private Optional<Refused> generalRefusal(RegisteredDevice s, CommandType type, Instant now) {
    Plan plan = s.planAt(now).plan();
    Optional<String> gate = type.feature().check(plan);
    if (gate.isPresent()) {
      String hint =
          type == CommandType.FIRMWARE_UPGRADE
              ? " (on Basic, start the upgrade from the UPS's LCD)"
              : "";
      return Optional.of(
          new Refused(
              UpsDevice.RefusalReason.PLAN, gate.get() + hint, type.feature().minimumPlan()));
    }
    if (s.operations().open() >= maxOpen) {
      return Optional.of(
          new Refused(
              UpsDevice.RefusalReason.TOO_MANY,
              "the device already has "
                  + maxOpen
                  + " unfinished operations; wait for some to finish or cancel pending ones",
              null));
    }
    Optional<DeviceCommand> upgrading = s.operations().activeFirmwareUpgrade();
    if (upgrading.isPresent()) {
      return Optional.of(
          new Refused(
              UpsDevice.RefusalReason.CONFLICT,
              "a firmware upgrade is in progress (command "
                  + upgrading.get().id()
                  + "); other operations wait until it ends",
              null));
    }
    return Optional.empty();
  }

  private static Decision firmware(RegisteredDevice s, Operation.FirmwareUpgrade asked) {
    String current = s.health().firmware();
    if (current == null) {
      return new Refused(
          UpsDevice.RefusalReason.UNSUPPORTED,
          "the device has not reported its firmware yet",
          null);
    }
    Optional<FirmwareCatalog.Release> release =
        FirmwareCatalog.upgradeFor(familyOf(s.model()), current);
    if (release.isEmpty()) {
      return new Refused(
          UpsDevice.RefusalReason.UNSUPPORTED,
          "no newer firmware for " + s.model() + " running " + current,
          null);
    }
    String target = release.get().version().render();
    if (asked.version() != null && !asked.version().equals(target)) {
      return new Refused(
          UpsDevice.RefusalReason.UNSUPPORTED,
          "firmware "
              + asked.version()
              + " is not for this model's family and platform; the right one is "
              + target,
          null);
    }
    return new Allowed(
        new Operation.FirmwareUpgrade(target, release.get().loadUnprotectedDuringUpgrade()));
  }

  static int outletGroups(String model) {
    return DeviceModels.find(model).map(DeviceModels.Model::outletGroups).orElse(3);
  }

  static String familyOf(String model) {
    return DeviceModels.find(model)
        .map(DeviceModels.Model::family)
        .orElseGet(() -> model.replaceAll("[0-9].*$", ""));
  }
}
