package io.upsfleet.ui.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.ui.device.CommandPolicy.Command;
import io.upsfleet.ui.login.SignedInUser.Role;
import org.junit.jupiter.api.Test;

class CommandPolicyTest {
  @Test
  void advancedAllowsEverythingToOperators() {
    for (Command c : Command.values()) {
      assertThat(CommandPolicy.decide(c, Role.ACCOUNT_ADMIN, "ADVANCED").allowed())
          .as(c.name())
          .isTrue();
      assertThat(CommandPolicy.decide(c, Role.SUPPORT, "ADVANCED").allowed()).as(c.name()).isTrue();
    }
  }

  @Test
  void standardNamesThePlanAnOutletRebootNeeds() {
    var d = CommandPolicy.decide(Command.OUTLET_GROUP_REBOOT, Role.SUPPORT, "STANDARD");
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).isEqualTo("Needs the Advanced plan; the device is on Standard.");
    assertThat(CommandPolicy.decide(Command.SELF_TEST, Role.SUPPORT, "STANDARD").allowed())
        .isTrue();
  }

  @Test
  void basicPointsFirmwareUpgradesToTheDisplay() {
    var d = CommandPolicy.decide(Command.FIRMWARE_UPGRADE, Role.ACCOUNT_ADMIN, "BASIC");
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).contains("Standard", "UPS's display");
  }

  @Test
  void viewersOperateNothingWhateverThePlan() {
    for (Command c : Command.values()) {
      var d = CommandPolicy.decide(c, Role.ACCOUNT_VIEWER, "ADVANCED");
      assertThat(d.allowed()).isFalse();
      assertThat(d.reason()).isEqualTo("Viewers cannot operate devices.");
    }
  }

  @Test
  void confirmationsSayWhatWillHappen() {
    assertThat(CommandPolicy.describe(Command.OUTLET_GROUP_REBOOT, "0", true))
        .contains("main outlet group", "Everything connected", "sent now");
    assertThat(CommandPolicy.describe(Command.OUTLET_GROUP_REBOOT, "2", false))
        .contains("Outlet group 2", "offline", "expires");
    assertThat(CommandPolicy.describe(Command.SET_INPUT_SENSITIVITY, "low", true))
        .contains("set to low");
    assertThat(CommandPolicy.describe(Command.FIRMWARE_UPGRADE, "UPS 09.8 / ID=18", true))
        .contains("UPS 09.8 / ID=18", "not be protected");
  }
}
