package io.upsfleet.ui.events;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import com.vaadin.flow.shared.Registration;
import io.upsfleet.api.client.UpsfleetClient.ApiError;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.CursorPage;
import io.upsfleet.api.rest.FleetEventView;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.ui.UiSettings;
import io.upsfleet.ui.device.DeviceDetailView;
import io.upsfleet.ui.device.DeviceFormat;
import io.upsfleet.ui.live.LiveUpdates;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.shell.MainLayout;
import io.upsfleet.ui.shell.Toasts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every logged event of the accounts the user sees ({@code GET /api/v1/events}), newest first:
 * filters by type, severity, site (support: of a chosen account) applied by the gateway; new events
 * appear at the top while the page is open (a poll of the newest page); older pages by the feed's
 * cursor; the same filter as a CSV download.
 */
@Route(value = "events", layout = MainLayout.class)
@PageTitle("Events · upsfleet")
public class EventsView extends Div {
  static final int PAGE = 50;
  private static final List<String> TYPES =
      List.of(
          "ON_BATTERY",
          "POWER_RESTORED",
          "LOW_BATTERY",
          "BATTERY_REPLACE",
          "OVERLOAD",
          "OVERLOAD_CLEARED",
          "TEMPERATURE_HIGH",
          "SELF_TEST_PASSED",
          "SELF_TEST_FAILED",
          "CONNECTION_LOST",
          "CONNECTION_RESTORED",
          "FIRMWARE_AVAILABLE",
          "FIRMWARE_UPDATED",
          "FIRMWARE_FAILED",
          "OUTLET_GROUP_REBOOTED",
          "SENSITIVITY_CHANGED",
          "PLAN_CHANGED",
          "PLAN_EXPIRING",
          "PLAN_EXPIRED");

  private final LiveUpdates live;
  private final UiSettings settings;
  private final SignedInUser user = CurrentUser.require();
  private final Select<AccountView> account = new Select<>();
  private final ComboBox<String> type = new ComboBox<>("Type");
  private final Select<String> severity = new Select<>();
  private final Select<SiteView> site = new Select<>();
  private final Grid<FleetEventView> grid = new Grid<>();
  private final Button older = new Button("Show older events");
  private final Paragraph count = new Paragraph();

  /** Shown events, newest first, keyed by account, serial and sequence number. */
  private final Map<String, FleetEventView> shown = new LinkedHashMap<>();

  private String next;
  private Registration poll;

  public EventsView(LiveUpdates live, UiSettings settings) {
    this.live = live;
    this.settings = settings;
    addClassName("events-view");
    account.setId("events-account");
    account.setLabel("Account");
    account.setItemLabelGenerator(a -> a == null ? "All accounts" : a.name());
    account.setEmptySelectionAllowed(true);
    account.setEmptySelectionCaption("All accounts");
    account.addValueChangeListener(e -> accountChanged());
    type.setId("events-type");
    type.setItems(TYPES);
    type.setAllowCustomValue(false);
    type.setClearButtonVisible(true);
    type.setPlaceholder("Any");
    type.addValueChangeListener(e -> restart());
    severity.setId("events-severity");
    severity.setLabel("Severity");
    severity.setItems("INFO", "WARNING", "CRITICAL");
    severity.setEmptySelectionAllowed(true);
    severity.setEmptySelectionCaption("Any");
    severity.addValueChangeListener(e -> restart());
    site.setId("events-site");
    site.setLabel("Site");
    site.setItemLabelGenerator(s -> s == null ? "Any site" : s.name());
    site.setEmptySelectionAllowed(true);
    site.setEmptySelectionCaption("Any site");
    site.addValueChangeListener(e -> restart());
    Anchor csv =
        new Anchor(
            DownloadHandler.fromInputStream(e -> csv(filters())),
            AttachmentType.DOWNLOAD,
            "Download CSV");
    csv.setId("events-csv");
    FlexLayout bar = new FlexLayout();
    if (user.isSupport()) bar.add(account);
    bar.add(type, severity, site, csv);
    bar.addClassName("filter-bar");
    bar.setAlignItems(FlexLayout.Alignment.BASELINE);

    grid.setId("events-grid");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    grid.addColumn(e -> DeviceFormat.time(e.occurredAt())).setHeader("When").setAutoWidth(true);
    grid.addComponentColumn(
            e ->
                new RouterLink(
                    e.serial(), DeviceDetailView.class, new RouteParameters("serial", e.serial())))
        .setHeader("Device")
        .setAutoWidth(true);
    grid.addColumn(FleetEventView::type).setHeader("Event").setAutoWidth(true);
    grid.addColumn(FleetEventView::severity).setHeader("Severity").setAutoWidth(true);
    grid.addColumn(e -> e.cause() == null ? "" : e.cause()).setHeader("Cause").setAutoWidth(true);
    grid.addColumn(e -> e.details() == null || e.details().isEmpty() ? "" : e.details().toString())
        .setHeader("Details")
        .setFlexGrow(1);
    grid.setHeight("34rem");
    count.setId("events-count");
    count.addClassName("result-count");
    older.setId("events-older");
    older.addClickListener(e -> loadOlder());
    Paragraph note =
        new Paragraph("Newest first; new events appear at the top while this page is open.");
    note.addClassName("note");
    Div section = new Div(new H2("Fleet events"), note, bar, count, grid, older);
    section.addClassNames("card", "section");
    add(section);
  }

  @Override
  protected void onAttach(AttachEvent e) {
    if (user.isSupport()) {
      live.load(
          e.getUI(),
          () -> user.client().accounts(0, 500).items(),
          account::setItems,
          Toasts::error);
    } else {
      loadSites(user.accountId());
    }
    restart();
  }

  @Override
  protected void onDetach(DetachEvent e) {
    if (poll != null) poll.remove();
  }

  private void accountChanged() {
    site.setItems(List.of());
    if (account.getValue() != null) loadSites(account.getValue().id());
    restart();
  }

  private void loadSites(String accountId) {
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().sites(accountId),
                    list -> site.setItems(list),
                    err -> {}));
  }

  /** The filters as the feed's query parameters. */
  Map<String, String> filters() {
    Map<String, String> f = new LinkedHashMap<>();
    if (account.getValue() != null) f.put("accountId", account.getValue().id());
    if (type.getValue() != null) f.put("type", type.getValue());
    if (severity.getValue() != null) f.put("severity", severity.getValue());
    if (site.getValue() != null) f.put("site", site.getValue().id());
    return f;
  }

  /** Starts over with the current filters: the newest page, then a poll of it. */
  private void restart() {
    if (poll != null) poll.remove();
    shown.clear();
    next = null;
    grid.setItems(List.of());
    Map<String, String> f = filters();
    getUI()
        .ifPresent(
            ui ->
                poll =
                    live.every(
                        ui,
                        settings.liveInterval().multipliedBy(2),
                        () -> user.client().fleetEvents(f, null, PAGE),
                        page -> newest(f, page),
                        Toasts::error));
  }

  /** The newest page: events not shown yet go to the top; the cursor is kept from the first. */
  private void newest(Map<String, String> f, CursorPage<FleetEventView> page) {
    if (!f.equals(filters())) return; // an answer to filters changed since
    boolean first = shown.isEmpty() && next == null;
    Map<String, FleetEventView> merged = new LinkedHashMap<>();
    for (FleetEventView e : page.items()) {
      if (!shown.containsKey(key(e))) merged.put(key(e), e);
    }
    if (merged.isEmpty() && !first) return;
    merged.putAll(shown);
    shown.clear();
    shown.putAll(merged);
    if (first) next = page.next();
    show();
  }

  private void loadOlder() {
    if (next == null) return;
    Map<String, String> f = filters();
    String after = next;
    getUI()
        .ifPresent(
            ui ->
                live.load(
                    ui,
                    () -> user.client().fleetEvents(f, after, PAGE),
                    page -> {
                      if (!f.equals(filters())) return;
                      page.items().forEach(e -> shown.putIfAbsent(key(e), e));
                      next = page.next();
                      show();
                    },
                    Toasts::error));
  }

  private void show() {
    grid.setItems(new ArrayList<>(shown.values()));
    Set<String> types = new TreeSet<>(TYPES);
    shown.values().forEach(e -> types.add(e.type()));
    if (!new LinkedHashSet<>(TYPES).containsAll(types)) {
      String keep = type.getValue();
      type.setItems(types);
      type.setValue(keep);
    }
    count.setText(
        shown.isEmpty()
            ? "No events match."
            : shown.size() + (shown.size() == 1 ? " event" : " events") + " shown.");
    older.setVisible(next != null);
  }

  private static String key(FleetEventView e) {
    return e.accountId() + "/" + e.serial() + "/" + e.seq();
  }

  private DownloadResponse csv(Map<String, String> f) {
    try {
      return new DownloadResponse(
          user.client().fleetEventsCsv(f), "events.csv", "text/csv; charset=UTF-8", -1);
    } catch (ApiError e) {
      return DownloadResponse.error(502, e.userMessage());
    }
  }
}
