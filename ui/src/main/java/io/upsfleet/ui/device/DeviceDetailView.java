package io.upsfleet.ui.device;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.Html;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.shared.Registration;
import io.upsfleet.api.Serials;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.DeviceView;
import io.upsfleet.api.rest.OperationAllowanceView;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.ui.UiSettings;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One device: live values updated by server push while the page is open (one poll on the shared
 * scheduler), a chart of the last 24 hours (the gateway's telemetry history, then the live
 * samples), operations as the gateway allows them and commands with their live progress, plan and
 * warranty, firmware and the event log. A device of another account looks exactly like a missing
 * one.
 */
@Route(value = "devices/:serial", layout = MainLayout.class)
public class DeviceDetailView extends VerticalLayout
    implements BeforeEnterObserver, HasDynamicTitle {
  /**
   * Live state of one poll: the device, the newest page of its commands and what it may be asked
   * now (each null when it could not be read, or, for allowances, when the user cannot operate).
   */
  record LiveState(
      DeviceView device, PageView<CommandView> commands, List<OperationAllowanceView> allowances) {}

  private final LiveUpdates live;
  private final UiSettings settings;
  private final SignedInUser user = CurrentUser.require();
  private final TelemetryHistory history = new TelemetryHistory();
  private final ProgressBar loading = new ProgressBar();
  private final Div content = new Div();
  private String serial = "";
  private Registration poll;
  private boolean built;

  private final H2 title = new H2();
  private final Div badges = new Div();
  private final Paragraph connection = new Paragraph();
  private final Div values = new Div();
  private final Html chart = new Html("<div class=\"chart\"></div>");
  private final Div firmware = new Div();
  private CommandPanel commands;
  private PlanPanel plan;
  private EventLogPanel events;
  private DeviceAdminPanel admin;

  public DeviceDetailView(LiveUpdates live, UiSettings settings) {
    this.live = live;
    this.settings = settings;
    addClassName("device-detail-view");
    loading.setIndeterminate(true);
    content.addClassName("device-content");
    add(loading, content);
  }

  @Override
  public String getPageTitle() {
    return serial + " · upsfleet";
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    serial = event.getRouteParameters().get("serial").orElse("");
  }

  @Override
  protected void onAttach(AttachEvent e) {
    if (!Serials.isValid(serial)) {
      notFound();
      return;
    }
    poll = live.every(e.getUI(), settings.liveInterval(), this::fetch, this::show, this::failed);
  }

  @Override
  protected void onDetach(DetachEvent e) {
    if (poll != null) poll.remove();
  }

  private LiveState fetch() {
    DeviceView d = user.client().device(serial);
    PageView<CommandView> c;
    try {
      c = user.client().commands(serial, 0, CommandPanel.PAGE);
    } catch (ApiError ex) {
      c = null; // the live values matter more than the command list
    }
    List<OperationAllowanceView> a = null;
    if (user.canOperate()) {
      try {
        a = user.client().allowedOperations(serial);
      } catch (ApiError ex) {
        a = null; // the buttons keep what the gateway said last
      }
    }
    return new LiveState(d, c, a);
  }

  private void failed(RuntimeException e) {
    if (e instanceof ApiError g && g.status() == 404) {
      if (poll != null) poll.remove();
      notFound();
      return;
    }
    loading.setVisible(false);
    if (!built) {
      if (poll != null) poll.remove();
      content.removeAll();
      Paragraph p =
          new Paragraph(
              e instanceof ApiError g ? g.userMessage() : "The device could not be loaded.");
      p.addClassName("error-text");
      content.add(p);
    } else {
      connection.setText(
          "Live updates paused: "
              + (e instanceof ApiError g ? g.userMessage() : "error")
              + " Retrying…");
    }
    if (e instanceof ApiError g && g.isUnauthorized()) Toasts.error(e);
  }

  private void notFound() {
    loading.setVisible(false);
    content.removeAll();
    Paragraph p = new Paragraph("There is no device " + serial + " that you can see.");
    p.setId("device-not-found");
    p.addClassName("empty-state");
    content.add(p, new RouterLink("Back to the device list", DeviceListView.class));
  }

  private void show(LiveState s) {
    if (!built) build();
    DeviceView d = s.device();
    loading.setVisible(false);
    title.setText(d.serial() + " · " + d.model());
    badges.removeAll();
    badges.add(DeviceFormat.badge(d.health()));
    if (d.status() != null) {
      d.status().stream()
          .filter(f -> !DeviceFormat.label(f).equals(DeviceFormat.label(d.health())))
          .forEach(f -> badges.add(DeviceFormat.badge(f)));
    }
    if (d.plan() != null) {
      Span p = new Span(DeviceFormat.plan(d.plan().plan()) + " plan");
      p.addClassNames("badge", "badge-plan");
      p.setId("device-plan");
      badges.add(p);
    }
    connection.setText(connectionText(d.connection()));
    showValues(d);
    if (history.observe(d.telemetry())) chart.setHtmlContent(chartHtml());
    showFirmware(d);
    admin.showAccount(d.accountId());
    commands.showDevice(d);
    commands.showCommands(s.commands());
    commands.showAllowances(s.allowances());
  }

  private void build() {
    built = true;
    content.removeAll();
    title.setId("device-title");
    badges.addClassName("badges");
    badges.setId("device-badges");
    connection.setId("device-connection");
    connection.addClassName("muted");
    values.addClassName("value-tiles");
    values.setId("live-values");
    Div header = new Div(title, badges, connection);
    header.addClassName("device-header");

    Div liveCard = new Div(new H3("Live values"), values);
    liveCard.addClassNames("card", "live-card");
    Paragraph chartNote =
        new Paragraph(
            "The last 24 hours: one point a minute from the gateway's history, then "
                + "every sample received while this page is open.");
    chartNote.addClassName("note");
    chart.setHtmlContent(chartHtml());
    Div chartCard = new Div(new H3("Load, charge and temperature"), chart, chartNote);
    chartCard.addClassNames("card", "chart-card");
    chartCard.setId("telemetry-chart");
    firmware.addClassNames("card", "firmware-card");
    firmware.setId("firmware-panel");

    commands = new CommandPanel(user, live, serial);
    plan = new PlanPanel();
    events = new EventLogPanel(user, live, serial);
    admin =
        new DeviceAdminPanel(
            user,
            live,
            serial,
            () -> {
              if (poll != null) poll.remove();
              getUI().ifPresent(ui -> ui.navigate(DeviceListView.class));
            });
    Div grid = new Div(liveCard, chartCard, commands, plan, firmware, admin);
    grid.addClassName("card-grid");
    content.add(header, grid, events);
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().plan(serial),
                    plan::show,
                    e ->
                        plan.showError(
                            e instanceof ApiError g
                                ? g.userMessage()
                                : "The plan could not be loaded.")));
    events.load();
    loadHistory();
  }

  /** The last 24 hours from the gateway, put before the live samples already drawn. */
  private void loadHistory() {
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> {
                      Instant now = Instant.now();
                      return user.client()
                          .telemetryHistory(serial, now.minus(TelemetryHistory.WINDOW), now, 1440);
                    },
                    h -> {
                      history.addHistory(h.points());
                      chart.setHtmlContent(chartHtml());
                    },
                    e -> Toasts.error(e)));
  }

  private String chartHtml() {
    return "<div class=\"chart\">" + TelemetryChart.svg(history.samples()) + "</div>";
  }

  private void showValues(DeviceView d) {
    Map<String, Object> v =
        d.telemetry() == null || d.telemetry().values() == null ? Map.of() : d.telemetry().values();
    values.removeAll();
    values.add(
        tile(
            "Status",
            v.get("ups.status") == null ? "—" : v.get("ups.status").toString(),
            "value-status"),
        tile("Load", DeviceFormat.value(v.get("ups.load"), "%"), "value-load"),
        tile("Battery charge", DeviceFormat.value(v.get("battery.charge"), "%"), "value-charge"),
        tile("Runtime", DeviceFormat.runtime(v.get("battery.runtime")), "value-runtime"),
        tile(
            "Input voltage",
            DeviceFormat.value(v.get("input.voltage"), "V"),
            "value-input-voltage"),
        tile(
            "Output voltage",
            DeviceFormat.value(v.get("output.voltage"), "V"),
            "value-output-voltage"),
        tile(
            "Temperature", DeviceFormat.value(v.get("ups.temperature"), "°C"), "value-temperature"),
        tile("Outlet groups", outlets(v), "value-outlets"),
        tile("Input sensitivity", sensitivity(d), "value-sensitivity"),
        tile(
            "Sample received",
            d.telemetry() == null
                ? "never"
                : DeviceFormat.time(d.telemetry().receivedAt())
                    + (d.telemetry().clockSkewed() ? " (device clock off)" : ""),
            "value-received"));
  }

  private void showFirmware(DeviceView d) {
    firmware.removeAll();
    String state =
        d.firmwareAvailable() == null
            ? (d.firmware() == null ? "Not reported yet" : "Up to date with the catalogue")
            : "Newer firmware available: " + d.firmwareAvailable();
    firmware.add(
        new H3("Firmware"),
        PlanPanel.fact(
            "Installed", d.firmware() == null ? "—" : d.firmware(), "firmware-installed"),
        PlanPanel.fact("State", state, "firmware-state"));
  }

  private static String sensitivity(DeviceView d) {
    if (d.sensitivity() == null) return "—";
    String reported = d.sensitivity().reported() == null ? "—" : d.sensitivity().reported();
    String desired = d.sensitivity().desired();
    return desired == null || desired.equals(d.sensitivity().reported())
        ? reported
        : reported + " (asked: " + desired + ")";
  }

  private static String outlets(Map<String, Object> v) {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g <= 2; g++) {
      Object s = v.get("outlet.group." + g + ".status");
      if (s != null) sb.append(sb.length() == 0 ? "" : " · ").append(g).append(": ").append(s);
    }
    return sb.length() == 0 ? "—" : sb.toString();
  }

  private static String connectionText(DeviceView.Connection c) {
    if (c == null) return "";
    Instant now = Instant.now();
    if (c.online()) {
      return "Online since "
          + DeviceFormat.time(c.since())
          + (c.remoteAddress() == null ? "" : " from " + c.remoteAddress())
          + " · last message "
          + DeviceFormat.ago(c.lastSeen(), now);
    }
    return (c.connectionLost() ? "Connection lost" : "Offline")
        + " · last seen "
        + DeviceFormat.ago(c.lastSeen(), now);
  }

  private static Div tile(String label, String value, String id) {
    Div l = new Div(label);
    l.addClassName("tile-label");
    Div v = new Div(value);
    v.addClassName("tile-value");
    v.setId(id);
    Div t = new Div(l, v);
    t.addClassName("tile");
    return t;
  }
}
