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
import io.upsfleet.api.rest.OperationAllowanceView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.Toasts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The device's operations: one button per operation, enabled as the gateway's allowances say
 * ({@code GET …/operations}: the reason when not, and the plan that would allow it), the outlet
 * groups of the model and the firmware an upgrade would install; viewers operate nothing. A
 * confirmation says what will happen; the list of the newest {@value #PAGE} commands, with the
 * total, is kept current by the page's live poll (PENDING → SENT → DELIVERED → ACKNOWLEDGED →
 * SUCCEEDED…).
 */
final class CommandPanel extends Div {
  /** How many of the newest commands the panel lists. */
  static final int PAGE = 50;

  private final SignedInUser user;
  private final LiveUpdates live;
  private final String serial;
  private final Map<String, Button> buttons = new LinkedHashMap<>();
  private final Map<String, Span> reasons = new LinkedHashMap<>();
  private final Set<String> sending = new HashSet<>();
  private final Select<Integer> group = new Select<>();
  private final Select<String> sensitivity = new Select<>();
  private final Span firmwareTarget = new Span();
  private final Grid<CommandView> history = new Grid<>();
  private List<CommandView> shownCommands = List.of();
  private final Paragraph count = new Paragraph();
  private final Paragraph noCommands = new Paragraph("No commands yet.");
  private DeviceView device;

  /** The gateway's allowances by operation; null until it has answered once. */
  private Map<String, OperationAllowanceView> allowances;

  private List<Integer> groups = List.of();

  CommandPanel(SignedInUser user, LiveUpdates live, String serial) {
    this.user = user;
    this.live = live;
    this.serial = serial;
    addClassNames("card", "command-panel");
    setId("command-panel");

    group.setLabel("Outlet group");
    group.setItemLabelGenerator(OperationText::outletGroup);
    group.setId("outlet-group");
    showGroups(OperationText.outletGroups(null));
    sensitivity.setLabel("Sensitivity");
    sensitivity.setItems("high", "medium", "low");
    sensitivity.setValue("medium");
    sensitivity.setId("sensitivity");
    firmwareTarget.setId("firmware-target");
    firmwareTarget.addClassName("muted");
    firmwareTarget.setVisible(false);

    FlexLayout actions = new FlexLayout();
    actions.addClassName("command-actions");
    for (String type : OperationText.TYPES) {
      Button b = new Button(OperationText.button(type), e -> confirm(type));
      b.setId("cmd-" + type);
      b.addThemeVariants(ButtonVariant.LUMO_CONTRAST);
      Span reason = new Span();
      reason.setId("reason-" + type);
      reason.addClassName("disabled-reason");
      buttons.put(type, b);
      reasons.put(type, reason);
      Div box = new Div();
      box.addClassName("command-box");
      if ("OUTLET_GROUP_REBOOT".equals(type)) box.add(group);
      if ("SET_INPUT_SENSITIVITY".equals(type)) box.add(sensitivity);
      box.add(b);
      if ("FIRMWARE_UPGRADE".equals(type)) box.add(firmwareTarget);
      box.add(reason);
      actions.add(box);
    }

    history.setId("command-grid");
    history.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    history.addColumn(CommandPanel::label).setHeader("Command").setAutoWidth(true);
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
    if (user.canOperate()) {
      history
          .addComponentColumn(
              c -> {
                if (!"PENDING".equals(c.status())) return new Span();
                Button cancel = new Button("Cancel", e -> cancel(c));
                cancel.setId("cancel-" + c.id());
                cancel.addClassName("command-cancel");
                cancel.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
                return cancel;
              })
          .setHeader("")
          .setAutoWidth(true);
    }
    history.setAllRowsVisible(true);
    count.setId("command-count");
    count.addClassName("muted");
    count.setVisible(false);
    noCommands.addClassName("empty-state");
    add(new H3("Commands"), actions, count, history, noCommands);
    refresh();
  }

  /** The latest live view of the device (whether it is online, for the confirmation). */
  void showDevice(DeviceView d) {
    this.device = d;
  }

  /**
   * What the gateway allows now; null (it could not be read) keeps what it said last. The buttons,
   * their reasons, the outlet groups and the firmware target follow.
   */
  void showAllowances(List<OperationAllowanceView> list) {
    if (list == null) return;
    Map<String, OperationAllowanceView> byType = new HashMap<>();
    list.forEach(a -> byType.put(a.type(), a));
    allowances = byType;
    OperationAllowanceView reboot = byType.get("OUTLET_GROUP_REBOOT");
    if (reboot != null) showGroups(OperationText.outletGroups(reboot.outletGroups()));
    OperationAllowanceView upgrade = byType.get("FIRMWARE_UPGRADE");
    String target = upgrade == null || !upgrade.allowed() ? null : upgrade.firmwareTarget();
    firmwareTarget.setText(target == null ? "" : "Installs " + target);
    firmwareTarget.setVisible(target != null);
    refresh();
  }

  /** The newest page of commands; null (it could not be read) keeps the list shown. */
  void showCommands(PageView<CommandView> page) {
    if (page == null) return;
    List<CommandView> items = page.items() == null ? List.of() : page.items();
    // Unchanged rows are not rendered again: a click on a row's button must not hit a replaced one.
    if (!items.equals(shownCommands)) {
      shownCommands = List.copyOf(items);
      history.setItems(items);
    }
    history.setVisible(!items.isEmpty());
    noCommands.setVisible(items.isEmpty());
    count.setText(countText(items.size(), page.total()));
    count.setVisible(!items.isEmpty());
  }

  static String countText(int shown, long total) {
    if (shown < total) return "The newest " + shown + " of " + total + " commands.";
    return total == 1 ? "1 command." : total + " commands.";
  }

  /** Why an operation's button is disabled now, or null when it may be clicked. */
  private String unavailable(String type) {
    if (!user.canOperate()) return OperationText.VIEWER;
    if (allowances == null) return OperationText.CHECKING;
    return OperationText.unavailable(allowances.get(type));
  }

  private void refresh() {
    for (String type : OperationText.TYPES) {
      String why = unavailable(type);
      Button b = buttons.get(type);
      b.setEnabled(why == null && !sending.contains(type));
      b.setTooltipText(why);
      reasons.get(type).setText(why == null ? "" : why);
      reasons.get(type).setVisible(why != null);
    }
    group.setEnabled(unavailable("OUTLET_GROUP_REBOOT") == null);
    sensitivity.setEnabled(unavailable("SET_INPUT_SENSITIVITY") == null);
  }

  private void showGroups(List<Integer> next) {
    if (next.equals(groups)) return;
    Integer chosen = group.getValue();
    groups = next;
    group.setItems(next);
    if (chosen != null && next.contains(chosen)) group.setValue(chosen);
    else group.setValue(next.contains(1) ? 1 : next.get(0));
  }

  private CommandRequest request(String type) {
    return switch (type) {
      case "OUTLET_GROUP_REBOOT" ->
          new CommandRequest.OutletGroupReboot(group.getValue(), null, null, null);
      case "FIRMWARE_UPGRADE" -> {
        OperationAllowanceView a = allowances == null ? null : allowances.get(type);
        yield new CommandRequest.FirmwareUpgrade(a == null ? null : a.firmwareTarget(), null);
      }
      case "SET_INPUT_SENSITIVITY" ->
          new CommandRequest.SetInputSensitivity(sensitivity.getValue(), null);
      default -> new CommandRequest.SelfTest(null);
    };
  }

  private void confirm(String type) {
    CommandRequest req = request(type);
    boolean online = device != null && device.connection() != null && device.connection().online();
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle(OperationText.button(type) + " on " + serial + "?");
    Paragraph text = new Paragraph(OperationText.describe(req, online));
    text.setId("confirm-text");
    dialog.add(text);
    Button cancel = new Button("Cancel", e -> dialog.close());
    cancel.setId("confirm-cancel");
    Button go =
        new Button(
            OperationText.button(type),
            e -> {
              dialog.close();
              send(type, req);
            });
    go.setId("confirm-command");
    go.addThemeVariants(
        req instanceof CommandRequest.SelfTest
            ? ButtonVariant.LUMO_PRIMARY
            : ButtonVariant.LUMO_ERROR,
        ButtonVariant.LUMO_PRIMARY);
    dialog.getFooter().add(cancel, go);
    dialog.open();
    cancel.focus();
  }

  private void send(String type, CommandRequest req) {
    sending.add(type);
    refresh();
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().sendCommand(serial, req),
                    sent -> {
                      sending.remove(type);
                      refresh();
                      Toasts.success(
                          OperationText.button(type)
                              + ": "
                              + sent.status().toLowerCase(Locale.ROOT));
                      reload();
                    },
                    e -> {
                      sending.remove(type);
                      refresh();
                      Toasts.error(e);
                      reload(); // a refusal (plan, too many open operations) may have news
                    }));
  }

  /** Cancels a command still waiting in the gateway (only PENDING ones can be). */
  private void cancel(CommandView c) {
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().cancelCommand(serial, c.id()),
                    done -> {
                      Toasts.success(OperationText.name(done.type()) + " cancelled.");
                      reload();
                    },
                    e -> {
                      Toasts.error(e);
                      reload();
                    }));
  }

  /** Reads the commands and the allowances again, after a request. */
  private void reload() {
    getUI()
        .ifPresent(
            ui -> {
              live.load(
                  ui, () -> user.client().commands(serial, 0, PAGE), this::showCommands, e -> {});
              if (user.canOperate()) {
                live.load(
                    ui,
                    () -> user.client().allowedOperations(serial),
                    this::showAllowances,
                    e -> {});
              }
            });
  }

  private static String label(CommandView c) {
    String base = OperationText.name(c.type());
    if (c.params() == null || c.params().isEmpty()) return base;
    return base + " (" + String.join(", ", c.params().values()) + ")";
  }

  static String statusTone(String status) {
    if (status == null) return "neutral";
    return switch (status) {
      case "SUCCEEDED" -> "success";
      case "FAILED", "TIMED_OUT", "EXPIRED" -> "error";
      case "CANCELLED" -> "neutral";
      default -> "warning"; // PENDING, SENT, DELIVERED, ACKNOWLEDGED: under way
    };
  }
}
