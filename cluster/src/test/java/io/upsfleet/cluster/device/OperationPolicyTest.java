package io.upsfleet.cluster.device;

import static io.upsfleet.cluster.device.DeviceStates.REGISTERED;
import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.cluster.device.OperationPolicy.Allowed;
import io.upsfleet.cluster.device.OperationPolicy.Decision;
import io.upsfleet.cluster.device.OperationPolicy.Refused;
import io.upsfleet.cluster.device.UpsDevice.RefusalReason;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.operation.OperationAllowance;
import io.upsfleet.cluster.plan.Plan;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link OperationPolicy}, pure: the state, the operation and the instant in, a decision out. */
class OperationPolicyTest {
  private static final Instant NOW = REGISTERED.plusSeconds(60);
  private static final String OLD_FIRMWARE = "UPS 09.2 / ID=18";
  private static final String NEW_FIRMWARE = "UPS 09.8 / ID=18";

  private final OperationPolicy policy = new OperationPolicy(3);

  @Test
  void thePlanGatesEachOperationNamingThePlanThatWouldAllowIt() {
    Refused reboot =
        refused(
            policy.decide(DeviceStates.onTrial(), new Operation.OutletGroupReboot(1, 5, 10), NOW));
    assertThat(reboot.reason()).isEqualTo(RefusalReason.PLAN);
    assertThat(reboot.requiredPlan()).isEqualTo(Plan.ADVANCED);
    assertThat(reboot.message()).contains("Advanced").contains("Standard");

    RegisteredDevice basic = DeviceStates.withFirmware(DeviceStates.onBasic(), OLD_FIRMWARE);
    for (Operation op :
        List.of(
            new Operation.SelfTest(),
            new Operation.SetInputSensitivity(Operation.Sensitivity.LOW),
            new Operation.FirmwareUpgrade(null, false))) {
      Refused r = refused(policy.decide(basic, op, NOW));
      assertThat(r.reason()).as(op.type().name()).isEqualTo(RefusalReason.PLAN);
      assertThat(r.requiredPlan()).as(op.type().name()).isEqualTo(Plan.STANDARD);
    }
    assertThat(
            refused(policy.decide(basic, new Operation.FirmwareUpgrade(null, false), NOW))
                .message())
        .as("Basic is told where an upgrade can still be started")
        .contains("LCD");
    assertThat(policy.decide(DeviceStates.onTrial(), new Operation.SelfTest(), NOW))
        .isEqualTo(new Allowed(new Operation.SelfTest()));
  }

  @Test
  void anOutletGroupBeyondTheModelsGroupsIsUnsupported() {
    RegisteredDevice s = DeviceStates.onAdvanced();
    Refused r = refused(policy.decide(s, new Operation.OutletGroupReboot(2, 5, 10), NOW));
    assertThat(r.reason()).isEqualTo(RefusalReason.UNSUPPORTED);
    assertThat(r.message()).contains(DeviceStates.MODEL).contains("0..1");
    assertThat(r.requiredPlan()).isNull();
    assertThat(policy.decide(s, new Operation.OutletGroupReboot(1, 5, 10), NOW))
        .isEqualTo(new Allowed(new Operation.OutletGroupReboot(1, 5, 10)));
    assertThat(policy.decide(s, new Operation.OutletGroupReboot(0, 0, 0), NOW))
        .isInstanceOf(Allowed.class);
  }

  @Test
  void aFirmwareUpgradeIsResolvedToTheCataloguesTargetForTheDevice() {
    RegisteredDevice unknown = DeviceStates.onTrial();
    assertThat(
            refused(policy.decide(unknown, new Operation.FirmwareUpgrade(null, false), NOW))
                .message())
        .contains("not reported its firmware");

    RegisteredDevice old = DeviceStates.withFirmware(unknown, OLD_FIRMWARE);
    assertThat(policy.decide(old, new Operation.FirmwareUpgrade(null, false), NOW))
        .as("the target and its load warning come from the catalogue")
        .isEqualTo(new Allowed(new Operation.FirmwareUpgrade(NEW_FIRMWARE, true)));
    assertThat(policy.decide(old, new Operation.FirmwareUpgrade(NEW_FIRMWARE, false), NOW))
        .isEqualTo(new Allowed(new Operation.FirmwareUpgrade(NEW_FIRMWARE, true)));
    Refused wrong =
        refused(
            policy.decide(old, new Operation.FirmwareUpgrade("UPS 16.6 / ID=1027", false), NOW));
    assertThat(wrong.reason()).isEqualTo(RefusalReason.UNSUPPORTED);
    assertThat(wrong.message()).contains(NEW_FIRMWARE);

    RegisteredDevice current = DeviceStates.withFirmware(unknown, NEW_FIRMWARE);
    assertThat(
            refused(policy.decide(current, new Operation.FirmwareUpgrade(null, false), NOW))
                .message())
        .contains("no newer firmware");
  }

  @Test
  void moreThanMaxOpenUnfinishedOperationsAreRefusedTooMany() {
    RegisteredDevice s =
        DeviceStates.with(
            DeviceStates.onTrial(),
            DeviceStates.command("a", new Operation.SelfTest(), CommandStatus.PENDING, NOW, 0),
            DeviceStates.command("b", new Operation.SelfTest(), CommandStatus.SENT, NOW, 1),
            DeviceStates.command(
                "c", new Operation.SelfTest(), CommandStatus.ACKNOWLEDGED, NOW, 1));
    Refused r = refused(policy.decide(s, new Operation.SelfTest(), NOW));
    assertThat(r.reason()).isEqualTo(RefusalReason.TOO_MANY);
    assertThat(r.message()).contains("3");
    assertThat(policy.allowed(s, NOW))
        .filteredOn(a -> a.type() != CommandType.OUTLET_GROUP_REBOOT)
        .allSatisfy(
            a -> {
              assertThat(a.allowed()).isFalse();
              assertThat(a.reason()).contains("unfinished");
            });

    RegisteredDevice oneDone =
        s.on(
            new UpsDevice.CommandUpdated("c", CommandStatus.SUCCEEDED, "done", null, 1, null, NOW));
    assertThat(policy.decide(oneDone, new Operation.SelfTest(), NOW)).isInstanceOf(Allowed.class);
  }

  @Test
  void theAllowancesListEveryOperationWithItsReasonPlanGroupsAndTarget() {
    RegisteredDevice s = DeviceStates.withFirmware(DeviceStates.onTrial(), OLD_FIRMWARE);
    List<OperationAllowance> all = policy.allowed(s, NOW);
    // Every operation a user may request; the firmware offer is sent by the gateway, not asked for.
    assertThat(all)
        .extracting(OperationAllowance::type)
        .containsExactlyElementsOf(
            Arrays.stream(CommandType.values()).filter(CommandType::requestable).toList());
    OperationAllowance reboot =
        all.stream()
            .filter(a -> a.type() == CommandType.OUTLET_GROUP_REBOOT)
            .findFirst()
            .orElseThrow();
    assertThat(reboot.allowed()).isFalse();
    assertThat(reboot.requiredPlan()).isEqualTo(Plan.ADVANCED);
    assertThat(reboot.outletGroups()).isEqualTo(2);
    OperationAllowance upgrade =
        all.stream()
            .filter(a -> a.type() == CommandType.FIRMWARE_UPGRADE)
            .findFirst()
            .orElseThrow();
    assertThat(upgrade.allowed()).isTrue();
    assertThat(upgrade.firmwareTarget()).isEqualTo(NEW_FIRMWARE);
  }

  private static Refused refused(Decision d) {
    assertThat(d).isInstanceOf(Refused.class);
    return (Refused) d;
  }
}
