package io.upsfleet.ui.device;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.ui.device.CommandPolicy.Command;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.Toasts;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The device's commands: one button per operation, each disabled with its reason when the plan or
 * role does not allow it, a confirmation that says what will happen, and the command list whose
 * status the page's live poll keeps current (PENDING → SENT → ACKNOWLEDGED → SUCCEEDED…).
 */
final class CommandPanel extends Div {
  private final SignedInUser user;
  private final LiveUpdates live;
  private final String serial;
  private final Map<Command, Button> buttons = new EnumMap<>(Command.class);
  private final Map<Command, Span> reasons = new EnumMap<>(Command.class);
  private final Select<String> group = new Select<>();
  private final Select<String> sensitivity = new Select<>();
  private final Grid<CommandView> history = new Grid<>();
  private final Paragraph noCommands = new Paragraph("No commands yet.");
  private DeviceView device;

  CommandPanel(SignedInUser user, LiveUpdates live, String serial) {
    this.user = user;
    this.live = live;
    this.serial = serial;
    addClassNames("card", "command-panel");
    setId("command-panel");

    group.setLabel("Outlet group");
    group.setItems("0", "1", "2");
    group.setItemLabelGenerator(g -> "0".equals(g) ? "0 (main: everything)" : "Group " + g);
    group.setValue("1");
    group.setId("outlet-group");
    sensitivity.setLabel("Sensitivity");
    sensitivity.setItems("high", "medium", "low");
    sensitivity.setValue("medium");
    sensitivity.setId("sensitivity");

    FlexLayout actions = new FlexLayout();
    actions.addClassName("command-actions");
    for (Command c : Command.values()) {
      Button b = new Button(c.label(), e -> confirm(c));
      b.setId("cmd-" + c.name());
      b.addThemeVariants(ButtonVariant.LUMO_CONTRAST);
      Span reason = new Span();
      reason.setId("reason-" + c.name());
      reason.addClassName("disabled-reason");
      reason.setVisible(false);
      buttons.put(c, b);
      reasons.put(c, reason);
      Div box = new Div();
      box.addClassName("command-box");
      if (c == Command.OUTLET_GROUP_REBOOT) box.add(group);
      if (c == Command.SET_INPUT_SENSITIVITY) box.add(sensitivity);
      box.add(b, reason);
      actions.add(box);
    }

    history.setId("command-grid");
    history.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    history.addColumn(c -> label(c)).setHeader("Command").setAutoWidth(true);
    history
        .addColumn(
            new ComponentRenderer<>(
                c -> {
                  Span s = new Span(c.status());
                  s.addClassNames("badge", "badge-" + statusTone(c.status()), "command-status");
                  return s;
                }))
        .setHeader("Status")
        .setAutoWidth(true);
    history
        .addColumn(
            c -> c.progress() == null ? (c.reason() == null ? "" : c.reason()) : c.progress())
        .setHeader("Progress");
    history.addColumn(CommandView::requestedBy).setHeader("By").setAutoWidth(true);
    history
        .addColumn(c -> DeviceFormat.time(c.updatedAt()))
        .setHeader("Updated")
        .setAutoWidth(true);
    history.setAllRowsVisible(true);
    noCommands.addClassName("empty-state");
    add(new H3("Commands"), actions, history, noCommands);
  }

  /** Applies the latest live view: enables what the plan and role allow. */
  void showDevice(DeviceView d) {
    this.device = d;
    String plan = d.plan() == null ? null : d.plan().plan();
    for (Command c : Command.values()) {
      CommandPolicy.Decision decision = CommandPolicy.decide(c, user.role(), plan);
      buttons.get(c).setEnabled(decision.allowed());
      buttons.get(c).setTooltipText(decision.allowed() ? null : decision.reason());
      reasons.get(c).setText(decision.allowed() ? "" : decision.reason());
      reasons.get(c).setVisible(!decision.allowed());
    }
    group.setEnabled(buttons.get(Command.OUTLET_GROUP_REBOOT).isEnabled());
    sensitivity.setEnabled(buttons.get(Command.SET_INPUT_SENSITIVITY).isEnabled());
  }

  void showCommands(List<CommandView> commands) {
    if (commands == null) return;
    history.setItems(commands);
    history.setVisible(!commands.isEmpty());
    noCommands.setVisible(commands.isEmpty());
  }

  private void confirm(Command c) {
    String parameter =
        switch (c) {
          case OUTLET_GROUP_REBOOT -> group.getValue();
          case SET_INPUT_SENSITIVITY -> sensitivity.getValue();
          case FIRMWARE_UPGRADE -> device == null ? null : device.firmwareAvailable();
          case SELF_TEST -> null;
        };
    boolean online = device != null && device.connection() != null && device.connection().online();
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle(c.label() + " on " + serial + "?");
    Paragraph text = new Paragraph(CommandPolicy.describe(c, parameter, online));
    text.setId("confirm-text");
    dialog.add(text);
    Button cancel = new Button("Cancel", e -> dialog.close());
    cancel.setId("confirm-cancel");
    Button go =
        new Button(
            c.label(),
            e -> {
              dialog.close();
              send(c, parameter);
            });
    go.setId("confirm-command");
    go.addThemeVariants(
        c == Command.SELF_TEST ? ButtonVariant.LUMO_PRIMARY : ButtonVariant.LUMO_ERROR,
        ButtonVariant.LUMO_PRIMARY);
    dialog.getFooter().add(cancel, go);
    dialog.open();
    cancel.focus();
  }

  private void send(Command c, String parameter) {
    CommandRequest req =
        switch (c) {
          case OUTLET_GROUP_REBOOT ->
              new CommandRequest(
                  c.name(), Integer.valueOf(parameter), null, null, null, null, null);
          case SET_INPUT_SENSITIVITY ->
              new CommandRequest(c.name(), null, null, null, null, parameter, null);
          case FIRMWARE_UPGRADE, SELF_TEST ->
              new CommandRequest(c.name(), null, null, null, null, null, null);
        };
    Button b = buttons.get(c);
    b.setEnabled(false);
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().sendCommand(serial, req),
                    sent -> {
                      b.setEnabled(true);
                      Toasts.success(
                          c.label() + ": " + sent.status().toLowerCase(java.util.Locale.ROOT));
                      live.load(
                          ui, () -> user.client().commands(serial), this::showCommands, e -> {});
                    },
                    e -> {
                      b.setEnabled(true);
                      Toasts.error(e);
                    }));
  }

  private static String label(CommandView c) {
    String base =
        switch (c.type()) {
          case "OUTLET_GROUP_REBOOT" -> "Outlet group reboot";
          case "FIRMWARE_UPGRADE" -> "Firmware upgrade";
          case "SET_INPUT_SENSITIVITY" -> "Input sensitivity";
          case "SELF_TEST" -> "Self-test";
          default -> c.type();
        };
    if (c.params() == null || c.params().isEmpty()) return base;
    return base + " (" + String.join(", ", c.params().values()) + ")";
  }

  static String statusTone(String status) {
    if (status == null) return "neutral";
    return switch (status) {
      case "SUCCEEDED" -> "success";
      case "FAILED", "TIMED_OUT", "EXPIRED" -> "error";
      case "CANCELLED" -> "neutral";
      default -> "warning";
    };
  }
}
