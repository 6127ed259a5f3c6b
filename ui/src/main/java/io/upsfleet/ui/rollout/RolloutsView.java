package io.upsfleet.ui.rollout;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.shared.Registration;
import io.upsfleet.api.client.DeviceQuery;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.RolloutRequest;
import io.upsfleet.api.rest.RolloutView;
import io.upsfleet.ui.UiSettings;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.AllowedRoles;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Firmware rollouts: choose devices (those with newer firmware offered are listed), how many at a
 * time and after how many failures to stop, start; the rollouts started in this session are watched
 * live with their counts and each device's step, and can be paused, resumed or aborted. (The API
 * has no list of rollouts, so a rollout started elsewhere is not shown.)
 */
@Route(value = "rollouts", layout = MainLayout.class)
@PageTitle("Firmware rollouts · upsfleet")
@AllowedRoles({
  SignedInUser.Role.SUPPORT,
  SignedInUser.Role.ACCOUNT_ADMIN,
  SignedInUser.Role.ACCOUNT_OPERATOR
})
public class RolloutsView extends Div {
  private static final String STARTED = "upsfleet.rollouts";
  private final LiveUpdates live;
  private final UiSettings settings;
  private final SignedInUser user = CurrentUser.require();
  private final ComboBox<AccountView> account = new ComboBox<>("Account");
  private final MultiSelectComboBox<String> devices = new MultiSelectComboBox<>("Devices");
  private final IntegerField concurrency = new IntegerField("At a time");
  private final IntegerField abortAfter = new IntegerField("Stop after failures");
  private final Grid<RolloutView> grid = new Grid<>();
  private Registration poll;

  /** The rollouts started in this session, read by the poll's thread. */
  private final List<String> started = new CopyOnWriteArrayList<>();

  public RolloutsView(LiveUpdates live, UiSettings settings) {
    this.live = live;
    this.settings = settings;
    account.setId("rollout-account");
    account.setItemLabelGenerator(AccountView::name);
    account.addValueChangeListener(e -> loadDevices());
    devices.setId("rollout-devices");
    devices.setWidth("24rem");
    concurrency.setId("rollout-concurrency");
    concurrency.setValue(5);
    concurrency.setMin(1);
    concurrency.setMax(100);
    abortAfter.setId("rollout-abort-after");
    abortAfter.setValue(3);
    abortAfter.setMin(1);
    abortAfter.setMax(1000);
    Button start = new Button("Start rollout", e -> start());
    start.setId("rollout-start");
    start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    FlexLayout form = new FlexLayout();
    if (user.isSupport()) form.add(account);
    form.add(devices, concurrency, abortAfter, start);
    form.addClassName("filter-bar");

    grid.setId("rollout-grid");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    grid.addColumn(RolloutView::phase).setHeader("Phase").setAutoWidth(true);
    grid.addColumn(r -> counts(r.counts())).setHeader("Devices").setAutoWidth(true);
    grid.addColumn(r -> steps(r)).setHeader("Each device").setFlexGrow(1);
    grid.addComponentColumn(this::actions).setHeader("").setAutoWidth(true);
    grid.setAllRowsVisible(true);
    Paragraph note =
        new Paragraph(
            "Upgrades the chosen devices to the catalogue's firmware, a few at a time; it stops by"
                + " itself after the given number of failures. Rollouts started here are shown"
                + " while this session lasts.");
    note.addClassName("note");
    Div section = new Div(new H2("Firmware rollouts"), note, form, grid);
    section.addClassNames("card", "section");
    add(section);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void onAttach(AttachEvent e) {
    Object kept = e.getSession().getAttribute(STARTED);
    started.clear();
    if (kept instanceof List<?> l) started.addAll((List<String>) l);
    if (user.isSupport()) {
      live.load(
          e.getUI(),
          () -> user.client().accounts(0, 500).items(),
          account::setItems,
          Toasts::error);
    } else {
      loadDevices();
    }
    poll =
        live.every(
            e.getUI(),
            settings.liveInterval(),
            () -> started.stream().map(id -> user.client().rollout(id)).toList(),
            grid::setItems,
            Toasts::error);
  }

  @Override
  protected void onDetach(DetachEvent e) {
    if (poll != null) poll.remove();
  }

  private String accountId() {
    if (!user.isSupport()) return user.accountId();
    return account.getValue() == null ? null : account.getValue().id();
  }

  private void loadDevices() {
    String id = accountId();
    if (id == null) return;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () ->
                        user
                            .client()
                            .devices(new DeviceQuery(null, null, id, 0, 500))
                            .items()
                            .stream()
                            .map(DeviceSummary::serial)
                            .toList(),
                    devices::setItems,
                    Toasts::error));
  }

  private void start() {
    if (devices.getValue().isEmpty()) {
      devices.setInvalid(true);
      devices.setErrorMessage("Choose at least one device");
      return;
    }
    devices.setInvalid(false);
    RolloutRequest req =
        new RolloutRequest(
            user.isSupport() ? accountId() : null,
            List.copyOf(devices.getValue()),
            concurrency.getValue(),
            abortAfter.getValue());
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().startRollout(req),
                    r -> {
                      remember(r.id());
                      Toasts.success("Rollout started for " + r.devices().size() + " devices.");
                      devices.clear();
                    },
                    Toasts::error));
  }

  private FlexLayout actions(RolloutView r) {
    FlexLayout box = new FlexLayout();
    box.getStyle().set("gap", "var(--lumo-space-xs)");
    for (String action : List.of("pause", "resume", "abort")) {
      boolean allowed =
          switch (action) {
            case "pause" -> "RUNNING".equals(r.phase());
            case "resume" -> "PAUSED".equals(r.phase());
            default -> "RUNNING".equals(r.phase()) || "PAUSED".equals(r.phase());
          };
      Button b =
          new Button(
              Character.toUpperCase(action.charAt(0)) + action.substring(1),
              e -> act(r.id(), action));
      b.setId("rollout-" + action);
      b.setEnabled(allowed);
      b.addThemeVariants(ButtonVariant.LUMO_SMALL);
      if (action.equals("abort")) b.addThemeVariants(ButtonVariant.LUMO_ERROR);
      box.add(b);
    }
    return box;
  }

  private void act(String id, String action) {
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().rolloutAction(id, action),
                    r -> Toasts.success("Rollout " + r.phase().toLowerCase() + "."),
                    Toasts::error));
  }

  private static String counts(Map<String, Integer> counts) {
    if (counts == null || counts.isEmpty()) return "";
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(v + " " + k.toLowerCase()));
    return String.join(", ", parts);
  }

  private static String steps(RolloutView r) {
    List<String> parts = new ArrayList<>();
    r.devices()
        .forEach(
            (serial, d) ->
                parts.add(
                    serial
                        + ": "
                        + d.step()
                        + (d.reason() == null ? "" : " (" + d.reason() + ")")));
    return String.join(" · ", parts);
  }

  /** Keeps {@code id} for this page and, in the session, for the next visit (UI thread). */
  private void remember(String id) {
    started.add(id);
    VaadinSession.getCurrent().setAttribute(STARTED, List.copyOf(started));
  }
}
