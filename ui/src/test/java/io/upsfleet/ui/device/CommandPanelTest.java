package io.upsfleet.ui.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.api.rest.OperationAllowanceView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.PlanView;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.login.SignedInUser.Role;
import io.upsfleet.ui.testing.StubUpsfleetApi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The command panel takes what may be asked from the gateway's allowances, not from the plan: the
 * buttons, their reasons, the outlet groups and the firmware target.
 */
class CommandPanelTest {
  private static final String SERIAL = "AS1036000001";
  private static final List<String> TYPES =
      List.of("OUTLET_GROUP_REBOOT", "FIRMWARE_UPGRADE", "SET_INPUT_SENSITIVITY", "SELF_TEST");
  private final LiveUpdates live = new LiveUpdates(1);

  @AfterEach
  void close() {
    live.close();
  }

  private CommandPanel panel(Role role) {
    return new CommandPanel(
        new SignedInUser("ann", role, "acc-1", Instant.now(), new StubUpsfleetApi()), live, SERIAL);
  }

  private static OperationAllowanceView allowed(String type) {
    return new OperationAllowanceView(
        type,
        true,
        null,
        null,
        "OUTLET_GROUP_REBOOT".equals(type) ? 3 : null,
        "FIRMWARE_UPGRADE".equals(type) ? "UPS 09.8 / ID=18" : null);
  }

  /** A device whose plan, by the old rules, would allow everything. */
  private static DeviceView advancedDevice() {
    return new DeviceView(
        SERIAL,
        "SMT1500C",
        "acc-1",
        null,
        null,
        List.of(),
        "OK",
        null,
        null,
        new PlanView("ADVANCED", null, null, null),
        null,
        null);
  }

  @Test
  void buttonsFollowTheGatewayNotThePlan() {
    CommandPanel p = panel(Role.ACCOUNT_ADMIN);
    p.showDevice(advancedDevice());
    p.showAllowances(
        List.of(
            new OperationAllowanceView(
                "OUTLET_GROUP_REBOOT",
                false,
                "remote outlet-group reboot needs the Advanced plan; the device is on Basic",
                "ADVANCED",
                2,
                null),
            new OperationAllowanceView(
                "FIRMWARE_UPGRADE",
                false,
                "no newer firmware for SMT1500C running UPS 09.8 / ID=18",
                null,
                null,
                null),
            new OperationAllowanceView(
                "SET_INPUT_SENSITIVITY",
                false,
                "the device already has 100 unfinished operations; wait for some to finish or cancel pending ones",
                null,
                null,
                null),
            allowed("SELF_TEST")));

    assertThat(button(p, "OUTLET_GROUP_REBOOT").isEnabled()).isFalse();
    assertThat(reason(p, "OUTLET_GROUP_REBOOT"))
        .isEqualTo("Remote outlet-group reboot needs the Advanced plan; the device is on Basic.");
    assertThat(button(p, "FIRMWARE_UPGRADE").isEnabled()).isFalse();
    assertThat(reason(p, "FIRMWARE_UPGRADE"))
        .isEqualTo("No newer firmware for SMT1500C running UPS 09.8 / ID=18.");
    assertThat(button(p, "SET_INPUT_SENSITIVITY").isEnabled()).isFalse();
    assertThat(reason(p, "SET_INPUT_SENSITIVITY")).contains("100 unfinished operations");
    assertThat(find(p, "sensitivity", Select.class).isEnabled()).isFalse();
    assertThat(button(p, "SELF_TEST").isEnabled()).isTrue();
    assertThat(find(p, "reason-SELF_TEST", Span.class).isVisible()).isFalse();
  }

  @Test
  void outletGroupsAndFirmwareTargetComeFromTheAllowances() {
    CommandPanel p = panel(Role.SUPPORT);
    List<OperationAllowanceView> all = new ArrayList<>();
    TYPES.forEach(t -> all.add(allowed(t)));
    all.set(0, new OperationAllowanceView("OUTLET_GROUP_REBOOT", true, null, null, 2, null));
    p.showAllowances(all);

    @SuppressWarnings("unchecked")
    Select<Integer> groups = find(p, "outlet-group", Select.class);
    assertThat(groups.getListDataView().getItems()).containsExactly(0, 1);
    assertThat(groups.getValue()).isEqualTo(1);
    assertThat(groups.isEnabled()).isTrue();
    Span target = find(p, "firmware-target", Span.class);
    assertThat(target.isVisible()).isTrue();
    assertThat(target.getText()).isEqualTo("Installs UPS 09.8 / ID=18");
    TYPES.forEach(t -> assertThat(button(p, t).isEnabled()).as(t).isTrue());

    // the gateway could not be read: the panel keeps what it said last
    p.showAllowances(null);
    TYPES.forEach(t -> assertThat(button(p, t).isEnabled()).as(t).isTrue());
  }

  @Test
  void nothingIsEnabledBeforeTheGatewayHasAnswered() {
    CommandPanel p = panel(Role.SUPPORT);
    p.showDevice(advancedDevice());
    for (String t : TYPES) {
      assertThat(button(p, t).isEnabled()).as(t).isFalse();
      assertThat(reason(p, t)).isEqualTo(OperationText.CHECKING);
    }
  }

  @Test
  void viewersOperateNothingWhateverTheGatewayAllows() {
    CommandPanel p = panel(Role.ACCOUNT_VIEWER);
    p.showAllowances(TYPES.stream().map(CommandPanelTest::allowed).toList());
    for (String t : TYPES) {
      assertThat(button(p, t).isEnabled()).as(t).isFalse();
      assertThat(reason(p, t)).isEqualTo("Viewers cannot operate devices.");
    }
  }

  @Test
  void theListShowsTheNewestPageAndTheTotal() {
    CommandPanel p = panel(Role.SUPPORT);
    List<CommandView> items = new ArrayList<>();
    for (int i = 0; i < CommandPanel.PAGE; i++) {
      items.add(
          new CommandView(
              "c" + i,
              SERIAL,
              "SELF_TEST",
              Map.of(),
              "DELIVERED",
              null,
              null,
              "ann",
              null,
              null,
              null,
              null));
    }
    p.showCommands(new PageView<>(items, 0, CommandPanel.PAGE, 4300));
    assertThat(find(p, "command-count", Paragraph.class).getText())
        .isEqualTo("The newest 50 of 4300 commands.");
    assertThat(CommandPanel.countText(3, 3)).isEqualTo("3 commands.");
    assertThat(CommandPanel.statusTone("DELIVERED")).isEqualTo("warning");
  }

  private static Button button(CommandPanel p, String type) {
    return find(p, "cmd-" + type, Button.class);
  }

  private static String reason(CommandPanel p, String type) {
    Span s = find(p, "reason-" + type, Span.class);
    return s.isVisible() ? s.getText() : null;
  }

  private static <T extends Component> T find(Component root, String id, Class<T> type) {
    return all(root)
        .filter(c -> c.getId().filter(id::equals).isPresent())
        .map(type::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no component #" + id));
  }

  private static Stream<Component> all(Component c) {
    return Stream.concat(Stream.of(c), c.getChildren().flatMap(CommandPanelTest::all));
  }
}
