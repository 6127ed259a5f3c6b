package io.upsfleet.ui.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.OperationAllowanceView;
import org.junit.jupiter.api.Test;

class OperationTextTest {

  @Test
  void theGatewaysReasonIsShownAsASentenceNamingThePlanOnce() {
    var plan =
        new OperationAllowanceView(
            "OUTLET_GROUP_REBOOT",
            false,
            "remote outlet-group reboot needs the Advanced plan; the device is on Standard",
            "ADVANCED",
            3,
            null);
    assertThat(OperationText.unavailable(plan))
        .isEqualTo(
            "Remote outlet-group reboot needs the Advanced plan; the device is on Standard.");

    var terse =
        new OperationAllowanceView("SELF_TEST", false, "not on this plan", "STANDARD", null, null);
    assertThat(OperationText.unavailable(terse))
        .isEqualTo("Not on this plan. Needs the Standard plan.");

    var busy =
        new OperationAllowanceView(
            "SELF_TEST",
            false,
            "a firmware upgrade is in progress (command c1); other operations wait until it ends",
            null,
            null,
            null);
    assertThat(OperationText.unavailable(busy))
        .isEqualTo(
            "A firmware upgrade is in progress (command c1); other operations wait until it ends.");
  }

  @Test
  void anAllowedOperationHasNoReasonAndAMissingOneIsNotOffered() {
    assertThat(
            OperationText.unavailable(
                new OperationAllowanceView("SELF_TEST", true, null, null, null, null)))
        .isNull();
    assertThat(OperationText.unavailable(null)).isEqualTo(OperationText.NOT_OFFERED);
    assertThat(
            OperationText.unavailable(
                new OperationAllowanceView("SELF_TEST", false, null, null, null, null)))
        .isEqualTo("Not available on this device now.");
  }

  @Test
  void outletGroupsAreTheModelsCountFromTheMainGroup() {
    assertThat(OperationText.outletGroups(2)).containsExactly(0, 1);
    assertThat(OperationText.outletGroups(3)).containsExactly(0, 1, 2);
    assertThat(OperationText.outletGroups(null)).containsExactly(0, 1, 2);
    assertThat(OperationText.outletGroup(0)).isEqualTo("0 (main: everything)");
    assertThat(OperationText.outletGroup(2)).isEqualTo("Group 2");
  }

  @Test
  void describesWhatEachOperationWillDo() {
    assertThat(
            OperationText.describe(new CommandRequest.OutletGroupReboot(0, null, null, null), true))
        .startsWith("The main outlet group will be switched off after 5 seconds")
        .contains("Everything connected")
        .endsWith("the operation is sent now.");
    assertThat(OperationText.describe(new CommandRequest.OutletGroupReboot(2, 1, 60, null), false))
        .startsWith(
            "Outlet group 2 will be switched off after 1 second and on again 60 seconds later.")
        .endsWith("waits up to one hour for it to connect, then expires.");
    assertThat(OperationText.describe(new CommandRequest.SetInputSensitivity("low", null), true))
        .contains("tolerates poorer mains");
    assertThat(
            OperationText.describe(
                new CommandRequest.FirmwareUpgrade("UPS 09.8 / ID=18", 7200), false))
        .contains("firmware UPS 09.8 / ID=18")
        .contains("waits up to 2 hours");
    assertThat(OperationText.describe(new CommandRequest.FirmwareUpgrade(null, null), true))
        .contains("the newest firmware for its model");
    assertThat(OperationText.describe(new CommandRequest.SelfTest(null), true))
        .startsWith("The UPS will switch to battery briefly");
  }
}
